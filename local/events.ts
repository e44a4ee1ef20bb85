/**
 * The events the local runner replays: the built-in scenarios (the fixture events plus a few table
 * faults) or the user's own EventBridge events from a file.
 */
import { readFile } from 'node:fs/promises';
import { maskEmails } from '../src/observability.js';
import type { SeedItem } from './dynamodb.js';
import type { FaultKind } from './fault-proxy.js';

/** One event to replay, and what the built-in scenarios arrange around it. */
export interface Scenario {
  /** The EventBridge event, as read: the handler reads it defensively. */
  readonly event: Record<string, unknown>;
  /** What the scenario shows, for the table. */
  readonly note?: string;
  /** What the fault proxy answers this event's lookups with, before passing through again. */
  readonly fault?: { readonly kind: FaultKind; readonly times: number };
  /** A record the embedded table must hold for this scenario, beyond the fixture leases. */
  readonly seed?: SeedItem;
  /**
   * Earlier versions of a fixture lease, written through the fault proxy before the fixtures, so that
   * it can answer a `stale-read` with the version before the current one.
   */
  readonly history?: readonly SeedItem[];
}

/** Events read from a file, and how the file was laid out. */
export interface EventsFile {
  readonly events: Record<string, unknown>[];
  readonly format: 'a JSON array' | 'a single JSON event' | 'one event per line';
}

/** Why an events file cannot be replayed. The message is for the user and carries no email address. */
export class EventsFileError extends Error {
  override readonly name = 'EventsFileError';
}

const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

const isEvent = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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

const checkEvents = (entries: unknown[], where: (index: number) => string): Record<string, unknown>[] => {
  if (entries.length === 0) throw new EventsFileError('holds no events');
  return entries.map((entry, index) => {
    if (!isEvent(entry)) {
      throw new EventsFileError(`${where(index)} is ${typeName(entry)}, not an EventBridge event object`);
    }
    return entry;
  });
};

/** Parses the text of an events file: a JSON array of events, one JSON event, or one event per line. */
export const parseEvents = (text: string): EventsFile => {
  const content = text.replace(/^\uFEFF/, '');
  if (content.trim() === '') throw new EventsFileError('is empty');
  let whole: unknown;
  let wholeError: unknown;
  try {
    whole = JSON.parse(content);
  } catch (error) {
    wholeError = error;
  }
  if (wholeError === undefined) {
    if (Array.isArray(whole)) return { events: checkEvents(whole, (index) => `entry ${index + 1}`), format: 'a JSON array' };
    if (isEvent(whole)) return { events: [whole], format: 'a single JSON event' };
    throw new EventsFileError(`holds ${typeName(whole)}, not an event or an array of events`);
  }
  // One line that fails to parse as the whole file is a broken JSON document, not a one-line list.
  const lines = content
    .split(/\r?\n/)
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim());
  if (content.trimStart().startsWith('[') || lines.length === 1) {
    throw new EventsFileError(`is not valid JSON: ${jsonProblem(wholeError)}`);
  }
  const parsed = lines.map(({ line, number }) => {
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      throw new EventsFileError(`line ${number} is not valid JSON: ${jsonProblem(error)}`);
    }
  });
  return { events: checkEvents(parsed, (index) => `line ${lines[index]?.number}`), format: 'one event per line' };
};

/**
 * Reads an events file for the runner. Every problem becomes an {@link EventsFileError} whose message
 * names the file and the problem, with any email address masked.
 *
 * @example
 * const { events, format } = await readEvents('./my-events.ndjson');
 */
export const readEvents = async (path: string): Promise<EventsFile> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new EventsFileError(maskEmails(`cannot read events file ${path}: ${READ_ERRORS[code] ?? (error as Error).message}`));
  }
  try {
    return parseEvents(text);
  } catch (error) {
    if (error instanceof EventsFileError) throw new EventsFileError(maskEmails(`events file ${path} ${error.message}`));
    throw error;
  }
};

const fixture = async <T>(name: string): Promise<T> =>
  JSON.parse(await readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;

/** The realistic lease events shipped with the project, including those that must degrade. */
export const fixtureEvents = (): Promise<Record<string, unknown>[]> => fixture('lease-events.json');

/** The realistic LeaseTable items shipped with the project: every ISB status, in several variants. */
export const fixtureLeases = (): Promise<SeedItem[]> => fixture('lease-records.json');

/** A fixture event under a new id and time, as EventBridge would deliver a later event of the same kind. */
const later = (base: Record<string, unknown> | undefined, id: string, time: string): Record<string, unknown> => {
  if (!base) throw new Error('fixtures/lease-events.json has fewer events than the built-in scenarios expect');
  return { ...base, id, time };
};

/**
 * A lease as a newer ISB might write it: schema version 4 and a field ISB v1.2.14 does not have. Not a
 * fixture (the fixtures are what ISB really writes); the runner seeds it to show drift detection.
 */
const NEWER_ISB_LEASE = (base: SeedItem | undefined): SeedItem => {
  if (!base) throw new Error('fixtures/lease-records.json has no Active lease for the drift scenario');
  return {
    ...base,
    uuid: 'f0e1d2c3-b4a5-4968-8776-a5b4c3d2e1f0',
    budgetCurrency: 'GBP',
    meta: { schemaVersion: 4, createdTime: '2026-11-25T10:20:00.000Z', lastEditTime: '2026-11-25T10:20:00.000Z' },
  };
};

/**
 * The runner's built-in scenarios: every fixture event as it is, then what only the embedded table
 * can stage. The fault proxy answers some lookups with faults: a throttle that the retry absorbs, one
 * that it does not, a denied read, a dropped connection, a table that never answers (the 2 s
 * budget), and a stale replica (the record before ISB's write, read again consistently). One lease
 * is written as a newer ISB might write it, which the report calls drift; one event is contradicted
 * by its lease's record, a consistency conflict.
 */
export const builtInScenarios = async ({ withFaults }: { withFaults: boolean }): Promise<Scenario[]> => {
  const events = await fixtureEvents();
  const scenarios: Scenario[] = events.map((event) => ({ event }));
  if (!withFaults) return scenarios;
  const byId = (suffix: string) => events.find((event) => String(event.id).startsWith(`5d2f3c4b-${suffix}`));
  const newer = NEWER_ISB_LEASE((await fixtureLeases()).find((lease) => lease.status === 'Active'));
  const unfrozen = later(byId('0009'), '5d2f3c4b-0106-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:31:00Z');
  const leases = await fixtureLeases();
  const frozen = leases.find((lease) => lease.status === 'Frozen');
  const pending = leases.find((lease) => lease.status === 'PendingApproval');
  if (!frozen || !pending) throw new Error('fixtures/lease-records.json lacks a Frozen or a PendingApproval lease');
  const denied = later(byId('0008'), '5d2f3c4b-0108-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:33:00Z');
  return [
    ...scenarios,
    {
      event: later(byId('0003'), '5d2f3c4b-0101-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:26:00Z'),
      note: 'table throttles once: retried after 500 ms',
      fault: { kind: 'throttle', times: 1 },
    },
    {
      event: later(byId('0005'), '5d2f3c4b-0102-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:27:00Z'),
      note: 'table throttles twice: no lease context',
      fault: { kind: 'throttle', times: 2 },
    },
    {
      event: later(byId('0007'), '5d2f3c4b-0103-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:28:00Z'),
      note: 'IAM denies GetItem: not retried',
      fault: { kind: 'access-denied', times: 1 },
    },
    {
      event: later(byId('0011'), '5d2f3c4b-0104-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:29:00Z'),
      note: 'connection dropped: not retried',
      fault: { kind: 'drop', times: 1 },
    },
    {
      event: later(byId('0002'), '5d2f3c4b-0105-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:30:00Z'),
      note: 'table never answers: 2 s budget',
      fault: { kind: 'hang', times: 1 },
    },
    {
      event: { ...unfrozen, detail: { ...(unfrozen.detail as object), leaseId: { userEmail: newer.userEmail, uuid: newer.uuid } } },
      note: 'a record from a newer ISB',
      seed: newer,
    },
    {
      // ISB froze the lease, then published; a replica that has not seen the freeze yet answers first.
      event: later(byId('0005'), '5d2f3c4b-0107-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:32:00Z'),
      note: 'stale replica: the record before the freeze; read again, consistently',
      fault: { kind: 'stale-read', times: 1 },
      history: [{ ...frozen, status: 'Active', meta: { schemaVersion: 3, lastEditTime: '2026-11-24T09:00:00.000Z' } }],
    },
    {
      event: { ...denied, detail: { ...(denied.detail as object), leaseId: pending.uuid, userEmail: pending.userEmail } },
      note: 'a LeaseDenied whose lease is still pending: ISB cannot explain it',
    },
  ];
};
