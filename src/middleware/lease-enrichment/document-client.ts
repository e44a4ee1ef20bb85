import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * A DynamoDB DocumentClient for lease lookups. Create it once, at module load, and reuse it: its
 * HTTPS agent keeps connections alive across warm invocations.
 *
 * The SDK's own retries are off (`maxAttempts: 1`, whatever `config` says): the enrichment middleware
 * owns the retry policy, and two policies would stack. The endpoint follows the SDK's own variable,
 * `AWS_ENDPOINT_URL_DYNAMODB`, so the same code runs against a local DynamoDB.
 *
 * @example
 * const client = createLeaseDocumentClient(); // module scope: once per container
 * export const handler = middy().use(leaseEnrichment({ client, logger })).handler(notify);
 */
export const createLeaseDocumentClient = (config: DynamoDBClientConfig = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, maxAttempts: 1 }));
