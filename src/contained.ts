import { maskEmails } from './email-addresses.js';

/** Longest error message a failure report carries: enough to recognise it, bounded for hostile input. */
const REPORT_MESSAGE_LIMIT = 500;

const describeError = (error: unknown): { name: string; message: string } => {
  try {
    const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
    return {
      name: typeof name === 'string' ? name : typeof error,
      message: maskEmails(typeof message === 'string' ? message : String(error)).slice(0, REPORT_MESSAGE_LIMIT),
    };
  } catch {
    return { name: 'UnprintableError', message: '' };
  }
};

/**
 * Writes one JSON line to stderr about a logging or metrics call that failed. Straight to the
 * stream, because the logger may be what failed; and never throwing, because nothing may.
 */
const reportFailure = (source: string, call: string, error: unknown): void => {
  try {
    const line = {
      level: 'ERROR',
      message: `${source}: ${call} failed; the invocation goes on without it`,
      error: describeError(error),
    };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  } catch {
    // Nowhere left to report to.
  }
};

/** `target`'s `methods` as {@link contained} returns them: same arguments, nothing returned. */
export type Contained<T, K extends keyof T> = {
  readonly [M in K]: (...args: T[M] extends (...args: infer A) => unknown ? A : never) => void;
};

/**
 * A view of `target` whose `methods` never fail the caller: observability never fails a handler.
 * A method that throws, or returns a promise that rejects, is reported once, on stderr (a JSON line
 * naming `source` and the call, with the error's name and its message masked and cut short). The
 * view's methods return nothing: they are for calls whose result nobody reads, a logger's `warn`,
 * a metrics instance's `addMetric`.
 *
 * Each middleware wraps the logger and metrics it is given, once, when it is made.
 *
 * @example
 * const logger = contained(options.logger, ['info', 'warn', 'error'], 'leaseEnrichment');
 * logger.warn('Lease lookup failed'); // a broken logger costs a stderr line, not the notification
 */
export const contained = <T extends object, K extends keyof T & string>(
  target: T,
  methods: readonly K[],
  source: string,
): Contained<T, K> => {
  const view: Partial<Record<K, (...args: unknown[]) => void>> = {};
  for (const method of methods) {
    const call = `${method}()`;
    view[method] = (...args: unknown[]): void => {
      try {
        const result = (target[method] as (...args: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) result.catch((error: unknown) => reportFailure(source, call, error));
      } catch (error) {
        reportFailure(source, call, error);
      }
    };
  }
  return view as Contained<T, K>;
};
