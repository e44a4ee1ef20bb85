/**
 * Child process of the warm-path measurement. Loads both handler bundles, as shipped, into this one
 * process, checks that they look up the same leases, then invokes them in interleaved order and
 * times each invocation end to end. Results go back over the IPC channel.
 *
 * Its stdout is /dev/null and its stderr a file (see `warm.ts`): the stack's log lines and EMF
 * documents are still serialized and written on every invocation, as in Lambda, but to a sink that
 * costs one synchronous write and never blocks, for both handlers alike.
 *
 *   node warm-worker.mjs '<WarmRequest JSON>'   (forked, with an IPC channel)
 */
import { fstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { LayerRun, QualifiedEvent, WarmMessage, WarmRequest, WarmResult } from './protocol.js';
import { seededRandom } from './stats.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

interface Layer {
  readonly name: string;
  readonly adds: string;
  readonly handler: Handler;
}

interface FixtureEvent {
  readonly id?: string;
  readonly 'detail-type'?: string;
}

interface StackResult {
  readonly enrichment?: { readonly status?: string };
  readonly consistency?: string | null;
  readonly lease?: { readonly uuid?: string };
}

let invocation = 0;

/** A Lambda context as the runtime passes it: a new one, with a new request id, per invocation. */
const lambdaContext = (): Context => {
  invocation += 1;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'lease-enrichment',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:lease-enrichment',
    memoryLimitInMB: '256',
    awsRequestId: `00000000-0000-4000-8000-${invocation.toString().padStart(12, '0')}`,
    logGroupName: '/aws/lambda/lease-enrichment',
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const loadHandler = async (bundle: string): Promise<Handler> => {
  const module = (await import(pathToFileURL(bundle).href)) as { handler?: Handler };
  if (typeof module.handler !== 'function') throw new Error(`${bundle} exports no handler`);
  return module.handler;
};

// A record that has moved on since its event (or contradicts it) is read twice by design, once
// consistently: that is the notification telling the truth, not overhead, and the bare handler has no such path.
const READ_TWICE = new Set(['superseded', 'conflict']);

/**
 * Runs each fixture event through both handlers once and keeps those the stack sent to DynamoDB
 * with one GetItem, as the bare handler does. Fails when the bare handler found a different lease:
 * then the baseline would not be doing the same work.
 */
const qualify = async (stack: Handler, bare: Handler, rawEvents: readonly string[]) => {
  const events: QualifiedEvent[] = [];
  const kept: string[] = [];
  const skippedEvents: string[] = [];
  for (const raw of rawEvents) {
    const event = JSON.parse(raw) as FixtureEvent;
    const label = `${event['detail-type'] ?? '(no detail-type)'} ${event.id ?? ''}`.trim();
    const notification = (await stack(JSON.parse(raw), lambdaContext())) as StackResult;
    const status = notification.enrichment?.status;
    if (status !== 'enriched' && status !== 'not-found') {
      skippedEvents.push(`${label}: ${status ?? 'no enrichment'}`);
      continue;
    }
    if (READ_TWICE.has(notification.consistency ?? '')) {
      skippedEvents.push(`${label}: ${notification.consistency}, read twice by design`);
      continue;
    }
    const item = (await bare(JSON.parse(raw), lambdaContext())) as { uuid?: string } | undefined;
    if ((item === undefined) !== (status === 'not-found') || item?.uuid !== notification.lease?.uuid) {
      throw new Error(`bare handler and stack disagree on ${label}: ${status} vs ${item ? item.uuid : 'no item'}`);
    }
    events.push({ detailType: event['detail-type'] ?? '', outcome: status, ...(item?.uuid ? { uuid: item.uuid } : {}) });
    kept.push(raw);
  }
  if (kept.length === 0) throw new Error('no fixture event reaches DynamoDB');
  return { events, kept, skippedEvents };
};

/** Bytes a handler writes to stdout and stderr per invocation, averaged over one pass of the events. */
const logBytesPerInvocation = async (handler: Handler, rawEvents: readonly string[]): Promise<number> => {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  let bytes = 0;
  streams.forEach((stream, index) => {
    const original = originals[index]!;
    stream.write = function countingWrite(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    } as typeof stream.write;
  });
  try {
    for (const raw of rawEvents) await handler(JSON.parse(raw), lambdaContext());
  } finally {
    streams.forEach((stream, index) => {
      stream.write = originals[index]!;
    });
  }
  return bytes / rawEvents.length;
};

/** What an invocation found: the lease's uuid from a notification or an item, or nothing. */
const foundUuid = (result: unknown): string | undefined => {
  const value = result as (StackResult & { uuid?: string }) | undefined;
  return value?.lease?.uuid ?? value?.uuid;
};

/**
 * The per-layer run: the bare handler and every layer, each iteration in a random order, timed like
 * the main run. Each layer's cost is then its median paired difference with the layer before it.
 */
const runLayers = async (request: WarmRequest, kept: readonly string[], events: readonly QualifiedEvent[]): Promise<LayerRun> => {
  const { buildLayers } = (await import(pathToFileURL(request.layersBundle).href)) as {
    buildLayers: () => { bare: Handler; layers: Layer[] };
  };
  const { bare, layers } = buildLayers();
  const handlers: Handler[] = [bare, ...layers.map((layer) => layer.handler)];
  const samples = handlers.map(() => new Float64Array(request.iterations));
  const random = seededRandom(request.seed + 1);
  let unexpectedOutcomes = 0;
  for (let iteration = -request.warmup; iteration < request.iterations; iteration += 1) {
    const index = (iteration + request.warmup) % kept.length;
    const raw = kept[index]!;
    // A Fisher-Yates shuffle per iteration: no layer always runs after another's GC or socket work.
    const order = handlers.map((_, position) => position);
    for (let last = order.length - 1; last > 0; last -= 1) {
      const pick = Math.floor(random() * (last + 1));
      [order[last], order[pick]] = [order[pick]!, order[last]!];
    }
    for (const position of order) {
      const event: unknown = JSON.parse(raw);
      const context = lambdaContext();
      const started = performance.now();
      const result = await handlers[position]!(event, context);
      const ms = performance.now() - started;
      if (iteration < 0) continue;
      samples[position]![iteration] = ms;
      if (foundUuid(result) !== events[index]!.uuid) unexpectedOutcomes += 1;
    }
  }
  return {
    bareMs: [...samples[0]!],
    layers: layers.map((layer, position) => ({ name: layer.name, adds: layer.adds, ms: [...samples[position + 1]!] })),
    unexpectedOutcomes,
  };
};

const run = async (request: WarmRequest): Promise<WarmResult> => {
  const stack = await loadHandler(request.stackBundle);
  const bare = await loadHandler(request.bareBundle);
  const fixtures = JSON.parse(await readFile(request.eventsFile, 'utf8')) as unknown[];
  const { events, kept, skippedEvents } = await qualify(
    stack,
    bare,
    fixtures.map((event) => JSON.stringify(event)),
  );
  const logBytes = {
    stack: await logBytesPerInvocation(stack, kept),
    bare: await logBytesPerInvocation(bare, kept),
  };

  const random = seededRandom(request.seed);
  const stackMs = new Float64Array(request.iterations);
  const bareMs = new Float64Array(request.iterations);
  let stackFirst = 0;

  /** One timed invocation. The event is parsed and the context built before the clock starts, as the runtime does. */
  const timed = async (handler: Handler, raw: string): Promise<{ ms: number; result: unknown }> => {
    const event: unknown = JSON.parse(raw);
    const context = lambdaContext();
    const started = performance.now();
    const result = await handler(event, context);
    return { ms: performance.now() - started, result };
  };

  let unexpectedOutcomes = 0;
  /** Whether an invocation did the work it did when qualified: same lease found, or none. */
  const asQualified = (expected: QualifiedEvent, stackResult: unknown, bareResult: unknown): boolean => {
    const notification = stackResult as StackResult;
    const item = bareResult as { uuid?: string } | undefined;
    return (
      notification.enrichment?.status === expected.outcome && notification.lease?.uuid === expected.uuid && item?.uuid === expected.uuid
    );
  };

  // stderr is a file (see warm.ts): its growth is what the measured iterations wrote to it.
  const stderrBefore = fstatSync(2).size;
  for (let iteration = -request.warmup; iteration < request.iterations; iteration += 1) {
    const index = (iteration + request.warmup) % kept.length;
    const raw = kept[index]!;
    // Random order per iteration: neither handler always runs right after the other's GC or socket work.
    const first = random() < 0.5;
    const a = await timed(first ? stack : bare, raw);
    const b = await timed(first ? bare : stack, raw);
    const [stackRun, bareRun] = first ? [a, b] : [b, a];
    if (iteration < 0) continue;
    stackMs[iteration] = stackRun.ms;
    bareMs[iteration] = bareRun.ms;
    if (first) stackFirst += 1;
    if (!asQualified(events[index]!, stackRun.result, bareRun.result)) unexpectedOutcomes += 1;
  }
  const stderrBytesMeasured = fstatSync(2).size - stderrBefore;
  const layers = await runLayers(request, kept, events);

  return {
    events,
    skippedEvents,
    stackMs: [...stackMs],
    bareMs: [...bareMs],
    stackFirst,
    unexpectedOutcomes,
    stderrBytesMeasured,
    logBytesPerInvocation: logBytes,
    layers,
  };
};

const send = (message: WarmMessage): Promise<void> =>
  new Promise((resolve) => {
    if (!process.send) throw new Error('warm-worker.mjs must be forked with an IPC channel');
    process.send(message, () => resolve());
  });

try {
  const request = JSON.parse(process.argv[2] ?? '') as WarmRequest;
  await send({ ok: true, result: await run(request) });
} catch (error) {
  await send({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
// The SDK's keep-alive sockets would hold the process open; the parent has what it needs.
process.exit(0);
