import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ENV, readEnv } from './config.js';
import { maskEmailsReplacer } from './email-addresses.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from './metric-names.js';

export { ADDRESS_FIELDS, EMAIL_MASK, findEmailAddresses, maskEmails, maskEmailsReplacer } from './email-addresses.js';

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
