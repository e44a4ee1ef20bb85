/**
 * Once-only delivery: Powertools Idempotency on DynamoDB, in its default table layout (partition
 * key `id`, TTL attribute `expiration`). A key is kept 7 days, which covers EventBridge archive
 * replays and the manual replays our runbooks describe. A send in progress holds its key only until
 * the invocation's time runs out, so a send cut short by a crash is retried, not lost.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Delivery, DeliveryResult } from './deliver.js';

/** How long a sent message's key is kept: replays within this window send nothing. */
export const IDEMPOTENCY_EXPIRY_SECONDS = 7 * 24 * 60 * 60;

/** The key prefix: fixed, so that renaming the function does not forget what was sent. */
export const IDEMPOTENCY_KEY_PREFIX = 'lease-notification';

/** What {@link onceOnly} is built from. */
export interface OnceOnlyOptions {
  readonly tableName: string;
  /** A DynamoDB client; the SDK's default when left out. */
  readonly client?: DynamoDBClient;
}

/**
 * Wraps a send so that it runs once per `delivery.key`. A repeat returns the first send's result
 * with `duplicate: true`. Call `config.registerLambdaContext(context)` on each invocation, so that
 * an in-progress key expires with the invocation.
 *
 * @example
 * const { deliverOnce, config } = onceOnly(sendDelivery(ses, settings), { tableName: 'Idempotency' });
 * config.registerLambdaContext(context);
 */
export const onceOnly = (send: (delivery: Delivery) => Promise<DeliveryResult>, options: OnceOnlyOptions) => {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    ...(options.client === undefined ? {} : { awsSdkV3Client: options.client }),
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: IDEMPOTENCY_EXPIRY_SECONDS,
    // Called only when a completed key answers instead of a send: that is the duplicate.
    responseHook: (response) => ({ ...(response as Record<string, string>), duplicate: true }),
  });
  const deliverOnce = makeIdempotent(send, { persistenceStore, config, keyPrefix: IDEMPOTENCY_KEY_PREFIX }) as (
    delivery: Delivery,
  ) => Promise<DeliveryResult>;
  return { deliverOnce, config };
};
