/**
 * The error names DynamoDB throttles with: `ProvisionedThroughputExceededException` on a table's
 * provisioned or on-demand throughput, `ThrottlingException` and `RequestLimitExceeded` on the
 * account's or the control plane's limits (Innovation Sandbox's LeaseTable is on-demand and sees all
 * three). These, and only these, count as throttling in the `throttled` reason and metric.
 *
 * @example
 * leaseEnrichment({ logger, retryOn: [...THROTTLING_ERROR_NAMES, 'InternalServerError'] });
 */
export const THROTTLING_ERROR_NAMES: readonly string[] = Object.freeze([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/** Whether an attempt's result names a throttling error. */
export const isThrottling = (name: string): boolean => THROTTLING_ERROR_NAMES.includes(name);

// A client may reject with anything: by name, as the SDK classifies errors (`instanceof` fails across two copies of it).
export const errorName = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof (error as Error).name === 'string' ? (error as Error).name : 'UnknownError';

/**
 * Node's system error code (`ECONNRESET`, `ECONNREFUSED`, …), if any. The SDK renames a reset
 * connection `TimeoutError`, which would read like our own budget `timeout`; the code says what
 * happened.
 */
const systemErrorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
};

/** Why a lookup failed, for the outcome and the WARN line: `timeout`, `throttled`, a system code or the error's name. */
export const failureReason = (error: unknown, timedOut: boolean): string => {
  if (timedOut) return 'timeout';
  const name = errorName(error);
  return isThrottling(name) ? 'throttled' : (systemErrorCode(error) ?? name);
};

/** What a WARN line says of an error: its name, system code and HTTP status, never its message (it may quote the key). */
export const errorFields = (error: unknown): Record<string, unknown> => ({
  errorName: errorName(error),
  errorCode: systemErrorCode(error),
  httpStatusCode: (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode,
});
