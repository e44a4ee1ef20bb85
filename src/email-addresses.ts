/**
 * What counts as an email address in text, and how it is masked. One definition, shared by the
 * log masker and the tests that check it, so that the two can never disagree about what a leak is.
 *
 * Deliberately wider than RFC 5322: a local part, an `@` (or its percent-encoding `%40`) and a
 * domain, whatever their case, so that a malformed address in bad input is masked too. Over-masking
 * costs nothing; a leak costs a lot.
 * - local part: a run of address characters (anything but whitespace and `@<>()[]\,;:"`), or a
 *   quoted string such as `"john smith"`, possibly after such a run;
 * - domain: a run of address characters, or an IP literal in brackets such as `[192.168.0.1]`.
 *
 * The scan is linear in the length of the text whatever the text holds (a regular expression with
 * two unbounded runs around `@` is quadratic on a long run without a domain, and log lines carry
 * whole 256 KB events). Text with neither `@` nor `%40` costs two native substring searches.
 */

/** What an email address is replaced with in logs. */
export const EMAIL_MASK = '[email]';

/**
 * Fields that hold an email address in Innovation Sandbox events and lease records (and the JWT
 * `email` claim). Their string values are masked whole, whatever their shape.
 */
export const ADDRESS_FIELDS: ReadonlySet<string> = new Set(['userEmail', 'email', 'approvedBy', 'createdBy', 'deniedBy']);

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Printable ASCII except the characters that end an address in running text. */
const ASCII_ADDRESS_CHARS = (() => {
  const table = new Uint8Array(128);
  for (let code = 0x21; code < 0x7f; code += 1) table[code] = 1;
  for (const stop of '@<>()[]\\,;:"') table[stop.charCodeAt(0)] = 0;
  return table;
})();

/** The Unicode whitespace that `\s` matches beyond ASCII. */
const isUnicodeSpace = (code: number): boolean =>
  code === 0xa0 ||
  code === 0x1680 ||
  (code >= 0x2000 && code <= 0x200a) ||
  code === 0x2028 ||
  code === 0x2029 ||
  code === 0x202f ||
  code === 0x205f ||
  code === 0x3000 ||
  code === 0xfeff;

const isAddressChar = (code: number): boolean => (code < 0x80 ? ASCII_ADDRESS_CHARS[code] === 1 : !isUnicodeSpace(code));

/** RFC 5321 `dtext`: what may sit between the brackets of an IP literal. */
const isLiteralChar = (code: number): boolean =>
  code >= 0x21 && code <= 0x7e && code !== OPEN_BRACKET && code !== CLOSE_BRACKET && code !== BACKSLASH;

/** An `@`, or the `%40` of a percent-encoded one (`ada%40example.gov.uk`). */
const SEPARATOR = /@|%40/g;

/** The opening quote of a quoted local part that closes at `close`, not before `floor`; -1 if none. */
const openingQuote = (text: string, close: number, floor: number): number => {
  for (let index = close - 1; index >= floor; index -= 1) {
    const code = text.charCodeAt(index);
    if (code === LINE_FEED || code === CARRIAGE_RETURN) return -1;
    if (code === QUOTE && text.charCodeAt(index - 1) !== BACKSLASH) return index;
  }
  return -1;
};

/** Where the local part ending at `separator` starts; `separator` itself when there is none. */
const localPartStart = (text: string, separator: number, floor: number): number => {
  let start = separator;
  if (start > floor && text.charCodeAt(start - 1) === QUOTE) {
    const open = openingQuote(text, start - 1, floor);
    if (open < 0) return separator;
    start = open;
  }
  while (start > floor && isAddressChar(text.charCodeAt(start - 1))) start -= 1;
  return start;
};

/** Where the domain starting at `from` ends; `from` itself when there is none. */
const domainEnd = (text: string, from: number): number => {
  let end = from;
  if (text.charCodeAt(from) === OPEN_BRACKET) {
    end += 1;
    while (end < text.length && isLiteralChar(text.charCodeAt(end))) end += 1;
    return end > from + 1 && text.charCodeAt(end) === CLOSE_BRACKET ? end + 1 : from;
  }
  while (end < text.length && isAddressChar(text.charCodeAt(end))) end += 1;
  return end;
};

/**
 * The start and end of each email address in `text`, in order and not overlapping.
 *
 * Linear time: every character is looked at a bounded number of times. Each local part is sought no
 * further back than the end of the previous separator or address (`floor`), and a domain is scanned
 * only behind a non-empty local part, so a scan either finds an address (and the search resumes after
 * it) or stops at once.
 */
const addressSpans = (text: string): [start: number, end: number][] => {
  const spans: [number, number][] = [];
  let floor = 0;
  SEPARATOR.lastIndex = 0;
  for (let match = SEPARATOR.exec(text); match !== null; match = SEPARATOR.exec(text)) {
    const separator = match.index;
    const afterSeparator = separator + match[0].length;
    const start = localPartStart(text, separator, floor);
    const end = start < separator ? domainEnd(text, afterSeparator) : afterSeparator;
    if (end > afterSeparator) spans.push([start, end]);
    floor = end;
    SEPARATOR.lastIndex = end;
  }
  return spans;
};

/** Whether `text` may hold an address at all: the cheap test every logged string goes through. */
const maySpellAddress = (text: string): boolean => text.includes('@') || text.includes('%40');

/**
 * Every email address in a string, as {@link maskEmails} sees them: the one definition of an
 * address that the masker and its tests share.
 *
 * @example
 * findEmailAddresses('from "john smith"@example.gov.uk to ada%40example.gov.uk');
 * // => ['"john smith"@example.gov.uk', 'ada%40example.gov.uk']
 */
export const findEmailAddresses = (text: string): string[] =>
  maySpellAddress(text) ? addressSpans(text).map(([start, end]) => text.slice(start, end)) : [];

/**
 * Masks every email address in a string, in time linear in its length.
 *
 * @example
 * maskEmails('lease of ada@example.gov.uk'); // => 'lease of [email]'
 * maskEmails('ADA@[192.168.0.1], "ada lovelace"@example.gov.uk'); // => '[email], [email]'
 */
export const maskEmails = (text: string): string => {
  if (!maySpellAddress(text)) return text;
  const spans = addressSpans(text);
  if (spans.length === 0) return text;
  let masked = '';
  let from = 0;
  for (const [start, end] of spans) {
    masked += text.slice(from, start) + EMAIL_MASK;
    from = end;
  }
  return masked + text.slice(from);
};

/**
 * A `JSON.stringify` replacer that masks email addresses in every string value (boxed ones too) and
 * every object key (whatever the object's prototype), and masks the string value of every
 * {@link ADDRESS_FIELDS} field whole. Give it to the Powertools Logger as `jsonReplacerFn` and
 * nothing that logger writes (the input/output logger's copy of the event included) carries an
 * address in clear.
 *
 * @example
 * JSON.stringify({ approvedBy: 'not quite an address', note: 'from ada@example.gov.uk' }, maskEmailsReplacer);
 * // => '{"approvedBy":"[email]","note":"from [email]"}'
 */
export const maskEmailsReplacer = (key: string, value: unknown): unknown => {
  // A boxed string reaches a replacer as an object, and JSON.stringify writes it as its string.
  const text = typeof value === 'string' ? value : value instanceof String ? value.valueOf() : undefined;
  if (text !== undefined) return ADDRESS_FIELDS.has(key) ? EMAIL_MASK : maskEmails(text);
  // Any object JSON.stringify writes by its own keys, whatever its prototype: a class instance too.
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.some(maySpellAddress)) {
      const entries = value as Record<string, unknown>;
      return Object.fromEntries(keys.map((name) => [maskEmails(name), entries[name]]));
    }
  }
  return value;
};
