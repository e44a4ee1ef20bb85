/**
 * Environment variables the functions read, once, at module load. Names live here so that the code,
 * the deployment and the local runner agree on them.
 */
export const ENV = {
  /** Name or ARN of the LeaseTable; GetItem accepts either. */
  leaseTableName: 'LEASE_TABLE_NAME',
  /** Comma-separated fingerprints of lease record field sets to accept beyond ISB's lease model. */
  knownFingerprints: 'LEASE_KNOWN_FINGERPRINTS',
  /** Powertools' own variables. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  // The sender (src/handlers/sender.ts).
  /** The idempotency table: Powertools' layout, partition key `id`, TTL attribute `expiration`. */
  idempotencyTableName: 'IDEMPOTENCY_TABLE_NAME',
  /** The verified SES identity (an address) messages are sent from. */
  notificationFrom: 'NOTIFICATION_FROM',
  /** An SES configuration set for the sends; optional. */
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** Comma-separated addresses that get what ISB sends its admins and managers. */
  operatorEmails: 'OPERATOR_EMAILS',
  /** `false` renders each message and logs its metadata without sending: the kill switch. */
  notificationsSend: 'NOTIFICATIONS_SEND',
  /** IANA time zone the messages' dates are written in. Default `UTC`. */
  notificationTimeZone: 'NOTIFICATION_TIME_ZONE',
  /** ISB's web app, linked from each message when set. */
  isbWebAppUrl: 'ISB_WEB_APP_URL',
  /** Where a notification SES rejected (or with nobody to send to) is kept for an operator. */
  rejectedQueueUrl: 'REJECTED_NOTIFICATIONS_QUEUE_URL',
} as const;

/** Reads a variable, treating blank as unset. */
export const readEnv = (name: string, env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/** Reads a comma-separated list, dropping blanks. */
export const readEnvList = (name: string, env: NodeJS.ProcessEnv = process.env): string[] =>
  (readEnv(name, env) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
