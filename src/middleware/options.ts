import { LOGGER_METHODS } from './types.js';

/**
 * Options checked when a middleware is made, as Middy's own middlewares check theirs: a wrong option
 * fails at module load with an error naming it, not as a strange result at the first invocation.
 *
 * Ours rather than `@middy/util`'s `validateOptions`: that one is not a dependency of ours, throws a
 * `TypeError` for an out-of-range number and lets `Infinity` through; ours throws a `RangeError`
 * for NaN, infinite, negative or too large numbers and a `TypeError` for the wrong type.
 */

/** What errors carry in `cause.package`, as Middy's carry `@middy/<name>`. */
export const PACKAGE_NAME = 'lease-enrichment';

/** The longest delay a Node timer honours; a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

interface Presence {
  /** Whether the option must be given. Default: optional. */
  readonly required?: boolean;
}

/** What one option must be. */
export type OptionRule = Presence &
  (
    | {
        /** A finite number within the bounds. */
        readonly type: 'number';
        readonly minimum?: number;
        readonly exclusiveMinimum?: number;
        readonly maximum?: number;
        readonly integer?: boolean;
      }
    | { readonly type: 'boolean' | 'function' | 'string' }
    /** An array of non-empty strings. */
    | { readonly type: 'strings' }
    /** Any iterable but a string (whose items are its characters); an array's items must be non-empty strings. */
    | { readonly type: 'iterable' }
    /** An object with these methods: a logger, a client, a breaker. Duck-typed, since two copies of a package fail `instanceof`. */
    | { readonly type: 'object'; readonly methods: readonly string[] }
  );

/** Each option a middleware takes, by name. An option not listed is a typo, and an error. */
export type OptionsSchema = Readonly<Record<string, OptionRule>>;

const typeName = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

const optionError = (kind: typeof TypeError | typeof RangeError, source: string, option: string, problem: string): Error =>
  new kind(`${source}: option '${option}' ${problem}`, { cause: { package: PACKAGE_NAME, data: { source, option } } });

const checkNumber = (source: string, option: string, rule: Extract<OptionRule, { type: 'number' }>, value: number): void => {
  const range = (problem: string) => optionError(RangeError, source, option, `${problem}, got ${value}`);
  if (!Number.isFinite(value)) throw range('must be a finite number');
  if (rule.integer && !Number.isInteger(value)) throw range('must be an integer');
  if (rule.minimum !== undefined && value < rule.minimum) throw range(`must be >= ${rule.minimum}`);
  if (rule.exclusiveMinimum !== undefined && value <= rule.exclusiveMinimum) throw range(`must be > ${rule.exclusiveMinimum}`);
  if (rule.maximum !== undefined && value > rule.maximum) throw range(`must be <= ${rule.maximum}`);
};

const checkStrings = (source: string, option: string, items: readonly unknown[]): void => {
  items.forEach((item, index) => {
    if (typeof item !== 'string' || item.length === 0) {
      throw optionError(TypeError, source, `${option}[${index}]`, `must be a non-empty string, got ${typeName(item)}`);
    }
  });
};

const checkRule = (source: string, option: string, rule: OptionRule, value: unknown): void => {
  const type = (expected: string) => optionError(TypeError, source, option, `must be ${expected}, got ${typeName(value)}`);
  switch (rule.type) {
    case 'number':
      if (typeof value !== 'number') throw type('a number');
      checkNumber(source, option, rule, value);
      return;
    case 'boolean':
    case 'function':
      if (typeof value !== rule.type) throw type(`a ${rule.type}`);
      return;
    case 'string':
      if (typeof value !== 'string' || value.length === 0) throw type('a non-empty string');
      return;
    case 'strings':
      if (!Array.isArray(value)) throw type('an array of strings');
      checkStrings(source, option, value);
      return;
    case 'iterable':
      if (typeof value !== 'object' || value === null || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
        throw type('an iterable of strings');
      }
      // Only an array is checked item by item: a generator would be used up by the check.
      if (Array.isArray(value)) checkStrings(source, option, value);
      return;
    case 'object':
      if (typeof value !== 'object' || value === null) throw type(`an object with ${rule.methods.join(', ')}`);
      for (const method of rule.methods) {
        if (typeof (value as Record<string, unknown>)[method] !== 'function') {
          throw optionError(TypeError, source, option, `must have a method ${method}()`);
        }
      }
  }
};

/**
 * Checks a middleware's options against its schema: a `TypeError` naming the option for a wrong
 * type, a missing required option or an unknown one; a `RangeError` for a number that is NaN,
 * infinite or out of bounds. Errors carry `{ cause: { package, data: { source, option } } }`.
 * Undefined counts as not given.
 *
 * @example
 * validateOptions('leaseEnrichment', { budgetMs: { type: 'number', exclusiveMinimum: 0 } }, { budgetMs: NaN });
 * // RangeError: leaseEnrichment: option 'budgetMs' must be a finite number, got NaN
 */
export const validateOptions = (source: string, schema: OptionsSchema, options: unknown): void => {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${source}: options must be an object, got ${typeName(options)}`, {
      cause: { package: PACKAGE_NAME, data: { source } },
    });
  }
  for (const option of Object.keys(options)) {
    if (!Object.hasOwn(schema, option)) throw optionError(TypeError, source, option, 'is not an option');
  }
  for (const [option, rule] of Object.entries(schema)) {
    const value = (options as Record<string, unknown>)[option];
    if (value === undefined) {
      if (rule.required) throw optionError(TypeError, source, option, 'is required');
      continue;
    }
    checkRule(source, option, rule, value);
  }
};

/**
 * `defaults` with every option that is given laid over them. Unlike a spread, an option given as
 * `undefined` keeps its default.
 *
 * @example
 * withDefaults({ budgetMs: 2000, reserveMs: 500 }, { budgetMs: undefined, reserveMs: 0 });
 * // => { budgetMs: 2000, reserveMs: 0 }
 */
export const withDefaults = <TDefaults extends object, TOptions extends object>(
  defaults: TDefaults,
  options: TOptions,
): TDefaults & TOptions => {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [option, value] of Object.entries(options)) {
    if (value !== undefined) merged[option] = value;
  }
  return merged as TDefaults & TOptions;
};

/** The rule for a logger option: what the middlewares call on it. */
export const LOGGER_RULE: OptionRule = { type: 'object', methods: LOGGER_METHODS, required: true };
