/**
 * How long email masking takes for a hostile 256 KB lease event going through the notification
 * handler with every event logged (DEBUG), against the same handler at INFO (no event logged).
 *
 *   npx tsx scripts/masking-time.ts                        # every shape, median of 5 runs
 *   npx tsx scripts/masking-time.ts --runs 1 --shape local # one shape, one run
 *
 * Uses only what the handler module has always exported, so the same file measures older code too.
 * Log output is swallowed (its bytes counted); DynamoDB is a stub that answers at once.
 */

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lambdaContext } from '../local/lambda-context.js';
import { createNotificationHandler, type LeaseEvent } from '../src/handlers/notification.js';
import { maskEmailsReplacer } from '../src/observability.js';

const EVENT_BYTES = 256 * 1024;

/** Strings that make a backtracking email pattern quadratic, or a careless scanner rescan. */
const SHAPES: Record<string, (size: number) => string> = {
  local: (size) => `${'a'.repeat(size - 1)}@`, // a local part that never meets a domain
  dotted: (size) => `${'a.'.repeat(Math.floor(size / 2) - 1)}@ `,
  separators: (size) => 'a@'.repeat(Math.floor(size / 2)),
  quotes: (size) => `${'a'.repeat(size - 3)}"@x`,
  literal: (size) => `a@[${'1.'.repeat(Math.floor(size / 2) - 2)}`,
};

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, shape: { type: 'string', multiple: true } } });
const runs = Number(values.runs);
const shapes = values.shape ?? Object.keys(SHAPES);

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
const [template] = fixture<LeaseEvent[]>('lease-events.json').filter((event) => event['detail-type'] === 'LeaseFrozen');
const lease = fixture<Record<string, unknown>[]>('lease-records.json').find((item) => item.status === 'Frozen');

const hostileEvent = (shape: string): LeaseEvent => {
  const base = JSON.stringify(template).length + 20;
  const comments = (SHAPES[shape] as (size: number) => string)(EVENT_BYTES - base);
  return { ...(template as LeaseEvent), detail: { ...(template?.detail as object), comments } };
};

const handlerAt = (logLevel: 'DEBUG' | 'INFO') =>
  createNotificationHandler({
    logger: new Logger({ serviceName: 'lease-notifications', logLevel, jsonReplacerFn: maskEmailsReplacer }),
    metrics: new Metrics({ namespace: 'LeaseEnrichmentMaskingTime', serviceName: 'lease-notifications' }),
    client: { send: async () => ({ Item: lease }) } as never,
    tableName: 'LeaseTable',
  });

/** Milliseconds of one invocation, and the bytes it logged, with its output swallowed. */
const timeInvocation = async (handler: ReturnType<typeof handlerAt>, event: LeaseEvent): Promise<[number, number]> => {
  const write = process.stdout.write;
  let bytes = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    bytes += chunk.length;
    return true;
  }) as typeof write;
  try {
    const started = performance.now();
    await handler(event, lambdaContext({ timeoutMs: 3_600_000 }) as Parameters<typeof handler>[1]);
    return [performance.now() - started, bytes];
  } finally {
    process.stdout.write = write;
  }
};

const median = (items: number[]): number => [...items].sort((a, b) => a - b)[Math.floor(items.length / 2)] as number;

const debug = handlerAt('DEBUG');
const info = handlerAt('INFO');
await timeInvocation(debug, template as LeaseEvent); // warm both: module state, first-call costs
await timeInvocation(info, template as LeaseEvent);

console.log(`Node ${process.version}; event ${EVENT_BYTES} bytes; median of ${runs} run(s)\n`);
const columns = ['DEBUG ms', 'INFO ms', 'masking ms'].map((name) => name.padStart(10));
console.log(`${'shape'.padEnd(10)} ${columns.join(' ')} ${'logged at DEBUG'.padStart(16)}   (masking = DEBUG - INFO)`);
for (const shape of shapes) {
  const event = hostileEvent(shape);
  const atDebug: number[] = [];
  const atInfo: number[] = [];
  let logged = 0;
  for (let run = 0; run < runs; run += 1) {
    const [ms, bytes] = await timeInvocation(debug, event);
    atDebug.push(ms);
    logged = bytes;
    atInfo.push((await timeInvocation(info, event))[0]);
  }
  const [d, i] = [median(atDebug), median(atInfo)];
  const cells = [d, i, d - i].map((ms) => ms.toFixed(1).padStart(10));
  console.log(`${shape.padEnd(10)} ${cells.join(' ')} ${`${(logged / 1024).toFixed(0)} KB`.padStart(16)}`);
}
