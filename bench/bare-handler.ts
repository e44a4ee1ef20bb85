/**
 * The benchmark's baseline: the least a Lambda can do to fetch the lease an event names. One
 * DynamoDBDocumentClient created at module load with the SDK's retries off (`maxAttempts: 1`, as the
 * notification handler's client), one GetItem on the key in the event's detail, the item returned.
 * No middlewares, no logging, no metrics, no key checks: whatever the notification handler costs on
 * top of this is the cost of its middleware stack.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';

type LeaseDetail = { leaseId?: string | { userEmail?: string; uuid?: string }; userEmail?: string; uuid?: string };

/** A bare GetItem handler: what {@link handler} is. */
export type BareHandler = (event: EventBridgeEvent<string, LeaseDetail>) => Promise<Record<string, unknown> | undefined>;

/**
 * A bare GetItem handler with a client of its own (`bench/layers.ts` builds the stack on one).
 *
 * @example
 * const lookUp = createBareHandler();
 * const lease = await lookUp(event); // the LeaseTable item, or undefined
 */
export const createBareHandler = (): BareHandler => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 1 }));
  const tableName = process.env.LEASE_TABLE_NAME;
  return async (event) => {
    const { leaseId, userEmail, uuid } = event.detail;
    // Same key the stack's extractor finds, with none of its checks.
    const key = typeof leaseId === 'object' ? { userEmail: leaseId.userEmail, uuid: leaseId.uuid } : { userEmail, uuid: uuid ?? leaseId };
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key }));
    return Item;
  };
};

/**
 * Looks up the lease named by an Innovation Sandbox lease event. Reads the key where those events put
 * it (`detail.leaseId` object, `detail.leaseId` string beside `detail.userEmail`, or flat), unchecked.
 *
 * @example
 * const lease = await handler(event); // the LeaseTable item, or undefined
 */
export const handler: BareHandler = createBareHandler();
