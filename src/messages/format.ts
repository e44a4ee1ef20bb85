/**
 * Escaping, formatting and defensive reading for messages. Values come from events and lease
 * records: every one is read by kind (a wrong kind reads as missing) and escaped before HTML.
 */
import type { Facts } from './types.js';

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and quoted attributes.
 *
 * @example
 * escapeHtml('<b>"x"</b>'); // => '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);

const TWO_DECIMALS = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * An amount in US dollars, two decimals, as ISB's budgets are.
 *
 * @example
 * usd(1234.5); // => 'USD 1,234.50'
 */
export const usd = (amount: number): string => `USD ${TWO_DECIMALS.format(amount)}`;

/**
 * A number of hours in words.
 *
 * @example
 * hours(1); // => '1 hour'
 */
export const hours = (count: number): string => `${count} ${count === 1 ? 'hour' : 'hours'}`;

/**
 * A date formatter for one zone: `25 November 2026 at 10:00 UTC`. Throws a RangeError for a zone
 * Intl does not know, so a wrong setting fails at start-up, not in a message.
 *
 * @example
 * dateFormatter('Europe/London')('2026-07-01T09:30:00Z'); // => '1 July 2026 at 10:30 BST'
 */
export const dateFormatter = (timeZone: string): ((iso: string) => string | undefined) => {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  return (iso) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? undefined : format.format(date);
  };
};

/** A string field, or undefined when missing, blank or of another kind. */
export const text = (facts: Facts | undefined, name: string): string | undefined => {
  const value = facts && Object.hasOwn(facts, name) ? facts[name] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
};

/** A finite number field, or undefined. */
export const amount = (facts: Facts | undefined, name: string): number | undefined => {
  const value = facts && Object.hasOwn(facts, name) ? facts[name] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

/** A plain-object field (not an array), or undefined. */
export const nested = (facts: Facts | undefined, name: string): Facts | undefined => {
  const value = facts && Object.hasOwn(facts, name) ? facts[name] : undefined;
  return isRecord(value) ? value : undefined;
};

/** A JSON object: not null, not an array. */
export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
