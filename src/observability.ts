import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ENV, readEnv } from './config.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from './metric-names.js';

/** What an email address is replaced with in logs. */
export const EMAIL_MASK = '[email]';

// Deliberately wider than RFC 5322: anything shaped like `local@domain` is masked, so that a
// malformed address in bad input is masked too. Over-masking costs nothing; a leak costs a lot.
const EMAIL_PATTERN = /[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+/g;

/**
 * Masks every email-shaped substring of a string.
 *
 * @example
 * maskEmails('lease of ada@example.gov.uk'); // => 'lease of [email]'
 */
export const maskEmails = (text: string): string =>
  text.includes('@') ? text.replace(EMAIL_PATTERN, EMAIL_MASK) : text;

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * A `JSON.stringify` replacer that masks email addresses in every string value and every object
 * key. Give it to the Powertools Logger as `jsonReplacerFn` and nothing that logger writes (the
 * input/output logger's copy of the event included) carries an address in clear.
 *
 * @example
 * const logger = new Logger({ jsonReplacerFn: maskEmailsReplacer });
 */
export const maskEmailsReplacer = (_key: string, value: unknown): unknown => {
  if (typeof value === 'string') return maskEmails(value);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.some((key) => key.includes('@'))) {
      return Object.fromEntries(keys.map((key) => [maskEmails(key), value[key]]));
    }
  }
  return value;
};

/**
 * The function's one Logger: Powertools, configured from `POWERTOOLS_*` variables, masking email
 * addresses in everything it writes.
 *
 * @example
 * const logger = createLogger();
 * export const handler = middy().use(injectLambdaContext(logger)).handler(...);
 */
export const createLogger = (): Logger =>
  new Logger({
    serviceName: readEnv(ENV.serviceName) ?? DEFAULT_SERVICE_NAME,
    jsonReplacerFn: maskEmailsReplacer,
  });

/**
 * The function's one Metrics instance, EMF to stdout, in `POWERTOOLS_METRICS_NAMESPACE` (default
 * {@link DEFAULT_METRICS_NAMESPACE}) with the `service` dimension. Flush it with `logMetrics`.
 *
 * @example
 * const metrics = createMetrics();
 * export const handler = middy().use(logMetrics(metrics)).handler(...);
 */
export const createMetrics = (): Metrics =>
  new Metrics({
    namespace: readEnv(ENV.metricsNamespace) ?? DEFAULT_METRICS_NAMESPACE,
    serviceName: readEnv(ENV.serviceName) ?? DEFAULT_SERVICE_NAME,
  });
