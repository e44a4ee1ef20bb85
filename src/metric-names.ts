/**
 * The one source of every CloudWatch name that the code and the deployment must agree on. The CDK
 * stack imports these for its alarms; change a name here and both follow.
 */

/** Namespace used when `POWERTOOLS_METRICS_NAMESPACE` is not set. */
export const DEFAULT_METRICS_NAMESPACE = 'LeaseEnrichment';

/** Service name (and the `service` metric dimension) used when `POWERTOOLS_SERVICE_NAME` is not set. */
export const DEFAULT_SERVICE_NAME = 'lease-notifications';

/** Metrics emitted by the enrichment middlewares; all are counts except the latency. */
export const EnrichmentMetric = {
  /** Milliseconds of one GetItem attempt, excluding any backoff wait. One value per attempt. */
  QueryLatency: 'EnrichmentQueryLatencyMs',
  /** The lease was found and put on the context. */
  Enriched: 'LeaseEnriched',
  /** DynamoDB answered, without an item. */
  NotFound: 'LeaseNotFound',
  /** DynamoDB was not asked: bad or missing key, missing configuration, open breaker, no time. */
  Skipped: 'EnrichmentSkipped',
  /** The subset of skips caused by the open circuit breaker. */
  SkippedCircuitOpen: 'EnrichmentSkippedCircuitOpen',
  /** DynamoDB was asked and did not answer usefully: error, throttled twice, out of time. */
  Failed: 'EnrichmentFailed',
  /** Throttling responses received, retried or not. */
  Throttled: 'EnrichmentThrottled',
  /** The circuit breaker opened (or re-opened after a failed probe). */
  CircuitOpened: 'EnrichmentCircuitOpened',
  /** A lease record departs from ISB's lease model (see `leaseDrift`); allow-listed field sets count only for their values. */
  SchemaDrift: 'LeaseSchemaDrift',
  /** A found lease was read once more, strongly consistently, because its status did not fit the event (the `rereadWhen` option). */
  Reread: 'LeaseReread',
  /** The lease record's status contradicts the event, even after a consistent read. */
  ConsistencyConflict: 'LeaseConsistencyConflict',
} as const;

export type EnrichmentMetricName = (typeof EnrichmentMetric)[keyof typeof EnrichmentMetric];

/** Metrics emitted by the sender (src/handlers/sender.ts); all are counts, one per message or record. */
export const SenderMetric = {
  /** A message SES accepted: one per recipient group (lease holder, operators). The silence canary watches it. */
  Sent: 'NotificationSent',
  /** A message not sent again because its event was already sent to that group (duplicate record, replay). */
  Duplicate: 'NotificationDuplicate',
  /** A send that failed for now (throttling, 5xx, network): the record goes back to the queue. */
  SendFailed: 'NotificationSendFailed',
  /** A message SES refused for good (rejected, unverified identity, bad address, paused account): kept, not retried. */
  Rejected: 'NotificationRejected',
  /** A message with nobody to send it to (no usable holder address, no operators configured): kept. */
  NoRecipient: 'NotificationNoRecipient',
  /** A message rendered and logged, not sent, because `NOTIFICATIONS_SEND=false`. */
  Suppressed: 'NotificationSuppressed',
  /** A queue record that holds no readable notification (not JSON, no event id): reported failed. */
  Unreadable: 'NotificationRecordUnreadable',
} as const;

export type SenderMetricName = (typeof SenderMetric)[keyof typeof SenderMetric];
