/**
 * The files the local runner reads, events (`--events`) and lease records (`--leases`): a JSON array of
 * objects, one JSON object, or one object per line. Every message names the file and the place in it,
 * never its content, so no part of an email address reaches the terminal.
 */
import { readFile } from 'node:fs/promises';
import { maskEmails } from '../src/observability.js';

/** What a file holds, for its messages: `event` / `events`, `lease record` / `lease records`. */
export interface FileKind {
  /** `events file`, `leases file`: how messages name the file. */
  readonly file: string;
  readonly item: string;
  readonly items: string;
  /** `an event`, `a lease record`. */
  readonly anItem: string;
  /** What each entry must be: `an EventBridge event object`. */
  readonly object: string;
}

/** Objects read from a file, how the file was laid out, and how to name each object's place in it. */
export interface ObjectsFile {
  readonly items: Record<string, unknown>[];
  readonly format: string;
  /** `entry 3`, `line 7` or `holds one lease record that`: where the item at `index` sits, for messages. */
  readonly where: (index: number) => string;
}

/** Why a file cannot be used. The message is for the user and carries no email address. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

export const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

// V8 quotes a slice of the input in some messages (`Unexpected token 'a', "ada.lovela"... is not
// valid JSON`): a slice can hold part of an address that masking cannot recognise, so it goes.
const jsonProblem = (error: unknown): string =>
  maskEmails(String((error as Error).message).replace(/, ".*"(\.\.\.)? is not valid JSON$/s, ''));

const checkObjects = (kind: FileKind, entries: unknown[], where: (index: number) => string): Record<string, unknown>[] => {
  if (entries.length === 0) throw new InputFileError(`holds no ${kind.items}`);
  return entries.map((entry, index) => {
    if (!isObject(entry)) throw new InputFileError(`${where(index)} is ${typeName(entry)}, not ${kind.object}`);
    return entry;
  });
};

/** Parses a file's text: a JSON array of objects, one JSON object, or one object per line. */
export const parseObjects = (text: string, kind: FileKind): ObjectsFile => {
  const content = text.replace(/^\uFEFF/, '');
  if (content.trim() === '') throw new InputFileError('is empty');
  let whole: unknown;
  let wholeError: unknown;
  try {
    whole = JSON.parse(content);
  } catch (error) {
    wholeError = error;
  }
  if (wholeError === undefined) {
    if (Array.isArray(whole)) {
      const where = (index: number) => `entry ${index + 1}`;
      return { items: checkObjects(kind, whole, where), format: 'a JSON array', where };
    }
    // Reads on after the file's name: `leases file x.json holds one lease record that has no lease key`.
    if (isObject(whole)) return { items: [whole], format: `a single JSON ${kind.item}`, where: () => `holds one ${kind.item} that` };
    throw new InputFileError(`holds ${typeName(whole)}, not ${kind.anItem} or an array of ${kind.items}`);
  }
  // One line that fails to parse as the whole file is a broken JSON document, not a one-line list.
  const lines = content
    .split(/\r?\n/)
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim());
  if (content.trimStart().startsWith('[') || lines.length === 1) {
    throw new InputFileError(`is not valid JSON: ${jsonProblem(wholeError)}`);
  }
  const parsed = lines.map(({ line, number }) => {
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      throw new InputFileError(`line ${number} is not valid JSON: ${jsonProblem(error)}`);
    }
  });
  const where = (index: number) => `line ${lines[index]?.number}`;
  return { items: checkObjects(kind, parsed, where), format: `one ${kind.item} per line`, where };
};

/**
 * Reads and parses a file for the runner; `check` may refuse what it holds with an
 * {@link InputFileError}. Every problem becomes an {@link InputFileError} whose message names the file
 * and the problem, with any email address masked.
 *
 * @example
 * const { items, format } = await readObjects('./my-events.ndjson', EVENTS_FILE);
 */
export const readObjects = async (path: string, kind: FileKind, check?: (file: ObjectsFile) => void): Promise<ObjectsFile> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new InputFileError(maskEmails(`cannot read ${kind.file} ${path}: ${READ_ERRORS[code] ?? (error as Error).message}`));
  }
  try {
    const file = parseObjects(text, kind);
    check?.(file);
    return file;
  } catch (error) {
    if (error instanceof InputFileError) throw new InputFileError(maskEmails(`${kind.file} ${path} ${error.message}`));
    throw error;
  }
};
