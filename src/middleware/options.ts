/**
 * Options are checked when a middleware is made, so that a wrong one fails at module load with an
 * error naming the middleware and the option. Direct checks of what each middleware calls rather
 * than `@middy/util`'s `validateOptions`, whose errors are all `TypeError`s without the middleware's
 * name, and which cannot say "a number below `budgetMs`" or "an object with `warn()`".
 */

/** The longest delay a Node timer honours; a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

type Problem = readonly [kind: typeof TypeError | typeof RangeError, text: string];

/** Checks one given option: undefined when it is fine, else what is wrong with it. */
export type OptionRule = (value: unknown) => Problem | undefined;

const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** The error every check throws: the middleware, the option, and `cause` as Middy's errors carry it. */
export const optionError = (source: string, option: string, [Kind, text]: Problem): Error =>
  new Kind(`${source}: option '${option}' ${text}`, { cause: { package: 'lease-enrichment', data: { source, option } } });

/**
 * Checks `options` against `rules`: an option not in `rules` is a typo, one in `required` must be
 * given, and each given option must pass its rule. Undefined counts as not given.
 *
 * @example
 * checkOptions('leaseKey', { logger: console }, { logger: methods('warn') }, ['logger']);
 */
export const checkOptions = (source: string, options: object, rules: Record<string, OptionRule>, required: string[] = []): void => {
  for (const [option, value] of Object.entries(options)) {
    if (!Object.hasOwn(rules, option)) throw optionError(source, option, [TypeError, 'is not an option']);
    const problem = value === undefined ? undefined : rules[option]?.(value);
    if (problem) throw optionError(source, option, problem);
  }
  for (const option of required) {
    if ((options as Record<string, unknown>)[option] === undefined) throw optionError(source, option, [TypeError, 'is required']);
  }
};

/** An object with these methods, and no more is asked of it: a logger, a client, a breaker. */
export const methods =
  (...names: readonly string[]): OptionRule =>
  (value) => {
    const list = names.map((name) => `${name}()`).join(', ');
    if (typeof value !== 'object' || value === null) return [TypeError, `must be an object with ${list}, got ${kindOf(value)}`];
    const missing = names.find((name) => typeof (value as Record<string, unknown>)[name] !== 'function');
    return missing === undefined ? undefined : [TypeError, `must have a method ${missing}()`];
  };

/** A value of this `typeof`. */
export const ofType =
  (type: 'boolean' | 'function'): OptionRule =>
  (value) =>
    typeof value === type ? undefined : [TypeError, `must be a ${type}, got ${kindOf(value)}`];

/** Bounds of a number option; `above` is exclusive. */
interface Bounds {
  readonly min?: number;
  readonly above?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/** A finite number within the bounds. */
export const number =
  ({ min, above, max = Number.MAX_VALUE, integer }: Bounds): OptionRule =>
  (value) => {
    if (typeof value !== 'number') return [TypeError, `must be a number, got ${kindOf(value)}`];
    const range = (text: string): Problem => [RangeError, `must be ${text}, got ${value}`];
    if (!Number.isFinite(value)) return range('a finite number');
    if (integer && !Number.isInteger(value)) return range('an integer');
    if (min !== undefined && value < min) return range(`>= ${min}`);
    if (above !== undefined && value <= above) return range(`> ${above}`);
    return value > max ? range(`<= ${max}`) : undefined;
  };

/** A string that is not empty; `what` says what it names. */
export const text =
  (what: string): OptionRule =>
  (value) => {
    if (typeof value !== 'string') return [TypeError, `must be ${what}, got ${kindOf(value)}`];
    return value === '' ? [TypeError, `must be ${what}, got an empty string`] : undefined;
  };

/** Non-empty strings in an array, or (`iterable`) in any iterable but a string, whose items would be its characters. */
export const strings =
  (container: 'array' | 'iterable'): OptionRule =>
  (value) => {
    const iterable = typeof value === 'object' && value !== null && Symbol.iterator in value;
    if (container === 'array' ? !Array.isArray(value) : !iterable)
      return [TypeError, `must be an ${container} of strings, got ${kindOf(value)}`];
    // Only an array is checked item by item: a generator would be used up by the check.
    const items: readonly unknown[] = Array.isArray(value) ? value : [];
    const bad = items.findIndex((item) => typeof item !== 'string' || item === '');
    const got = items[bad] === '' ? 'an empty string' : kindOf(items[bad]);
    return bad < 0 ? undefined : [TypeError, `must hold non-empty strings, got ${got} at index ${bad}`];
  };
