/**
 * Warm path: both handlers against one local DynamoDB, seeded with the fixture leases, invoked in
 * interleaved order by a worker process (`warm-worker.ts`).
 */

import { fork } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SeedItem } from '../local/dynamodb.js';
import { createLeaseTable, LOCAL_CLIENT_CONFIG, type LocalEngine, putLeases, startLocalDynamoDB } from '../local/dynamodb.js';
import { BENCH_TABLE_NAME, lambdaEnvironment } from './environment.js';
import type { WarmMessage, WarmRequest, WarmResult } from './protocol.js';

export interface RunWarmOptions extends Omit<WarmRequest, 'eventsFile'> {
  readonly engine: LocalEngine;
  /** The compiled worker (`bench/warm-worker.ts`). */
  readonly worker: string;
  /** Lease records to seed the table with. */
  readonly recordsFile: string;
  /** Fixture events to replay. */
  readonly eventsFile: string;
  /** Where the worker's stderr goes. */
  readonly stderrFile: string;
}

/** What one engine's warm run gave, with how long its setup took. */
export interface WarmRun extends WarmResult {
  readonly engine: LocalEngine;
  /** Start of the engine, table creation and seeding, in ms. */
  readonly setupMs: number;
  readonly stderrFile: string;
}

const runWorker = (worker: string, request: WarmRequest, endpoint: string, stderrFile: string): Promise<WarmResult> => {
  const stderr = openSync(stderrFile, 'w');
  return new Promise<WarmResult>((resolve, reject) => {
    // stdout to /dev/null, stderr to a file: both are synchronous, non-blocking sinks in Node, so the
    // stack pays for formatting and writing its logs without a terminal or a pipe setting the pace.
    const child = fork(worker, [JSON.stringify(request)], {
      env: lambdaEnvironment({ endpoint }),
      stdio: ['ignore', 'ignore', stderr, 'ipc'],
      execArgv: [],
    });
    let message: WarmMessage | undefined;
    child.once('message', (received) => (message = received as WarmMessage));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (message?.ok) resolve(message.result);
      else reject(new Error(message ? message.error : `warm worker exited with ${code}; see ${stderrFile}`));
    });
  }).finally(() => closeSync(stderr));
};

/**
 * Starts `engine`, creates and seeds the LeaseTable, runs the worker against it, and stops the
 * engine. The engine runs outside the worker process, so its work never shares the handlers' event
 * loop.
 *
 * @example
 * const run = await runWarm({ engine: 'dynalite', worker, stackBundle, bareBundle, iterations: 2000, ... });
 */
export const runWarm = async (options: RunWarmOptions): Promise<WarmRun> => {
  const started = performance.now();
  const database = await startLocalDynamoDB(options.engine);
  try {
    const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: database.endpoint, maxAttempts: 1 });
    try {
      await createLeaseTable(client, BENCH_TABLE_NAME);
      const leases = JSON.parse(readFileSync(options.recordsFile, 'utf8')) as SeedItem[];
      await putLeases(client, BENCH_TABLE_NAME, leases);
    } finally {
      client.destroy();
    }
    const setupMs = performance.now() - started;
    const { engine, worker, stderrFile, stackBundle, bareBundle, layersBundle, eventsFile, iterations, warmup, seed } = options;
    const request: WarmRequest = { stackBundle, bareBundle, layersBundle, eventsFile, iterations, warmup, seed };
    const result = await runWorker(worker, request, database.endpoint, stderrFile);
    return { ...result, engine, setupMs, stderrFile };
  } finally {
    await database.stop();
  }
};
