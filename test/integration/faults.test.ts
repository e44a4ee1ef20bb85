import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, jest } from '@jest/globals';
import { type FaultKind, type FaultProxy, startFaultProxy } from '../../local/fault-proxy.js';
import { CircuitBreaker } from '../../src/middleware/lease-enrichment/index.js';
import { type CapturedOutput, captureOutput } from '../support/output.js';
import { buildHandler, type TestHandler } from './handlers.js';
import {
  describeOnLocalEngine,
  eventFor,
  type IntegrationTarget,
  NO_PROXY_ON_AWS,
  START_TIMEOUT_MS,
  sleep,
  startTarget,
  TARGET,
} from './harness.js';

// The hung-table test waits out the 2 s budget.
jest.setTimeout(15_000);

const OPEN_MS = 300;

describeOnLocalEngine(`table faults on the wire, through the fault proxy, on ${TARGET}`, NO_PROXY_ON_AWS, () => {
  let target: IntegrationTarget;
  let proxy: FaultProxy;
  let handler: TestHandler;
  let output: CapturedOutput;

  beforeAll(async () => {
    target = await startTarget();
    proxy = await startFaultProxy({ upstream: target.endpoint ?? '' });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await proxy?.close();
    await target?.stop();
  });

  beforeEach(() => {
    proxy.reset();
    // A fresh breaker per test: failures in one test must not open it in the next.
    handler = buildHandler(target, {
      endpoint: proxy.endpoint,
      circuitBreaker: new CircuitBreaker({ failureThreshold: 5, openMs: OPEN_MS }),
    });
    output = captureOutput();
  });

  afterEach(() => {
    output.restore();
    handler.destroy();
  });

  const getItems = () => proxy.requestsFor('GetItem');
  const lookupFailure = () =>
    output.logs('WARN').find((line) => line.message === 'Lease lookup failed; notification goes without lease context');

  it('retries a throttled lookup once, at least 500 ms later, and enriches', async () => {
    proxy.inject('throttle', { times: 1 });

    const notification = await handler.invoke(eventFor(target.knownLease));

    expect(notification).toMatchObject({ enriched: true, enrichment: { status: 'enriched' } });
    const [first, second, ...more] = getItems();
    expect(more).toEqual([]);
    expect(first?.fault).toBe('throttle');
    expect(second?.fault).toBeNull();
    const gapMs = (second?.at ?? 0) - (first?.at ?? 0);
    expect(gapMs).toBeGreaterThanOrEqual(500);
    expect(gapMs).toBeLessThan(900);
    expect(output.metric('EnrichmentQueryLatencyMs')).toHaveLength(2);
    expect(output.metric('EnrichmentThrottled')).toEqual([1]);
    expect(output.metric('LeaseEnriched')).toEqual([1]);
    expect(lookupFailure()).toBeUndefined();
  });

  it('gives up after a second throttle: exactly two requests, reason throttled', async () => {
    proxy.inject('throttle', { times: 2 });

    const notification = await handler.invoke(eventFor(target.knownLease));

    expect(notification).toMatchObject({ enriched: false, enrichment: { status: 'failed', reason: 'throttled' } });
    expect(notification).not.toHaveProperty('lease');
    expect(getItems().map((item) => item.fault)).toEqual(['throttle', 'throttle']);
    expect(lookupFailure()).toMatchObject({
      reason: 'throttled',
      errorName: 'ProvisionedThroughputExceededException',
      httpStatusCode: 400,
      attempts: 2,
    });
    expect(output.metric('EnrichmentThrottled')).toEqual([2]);
    expect(output.metric('EnrichmentFailed')).toEqual([1]);
  });

  it("retries an on-demand table's ThrottlingException once too, and counts it as throttling", async () => {
    proxy.inject('throttle-on-demand', { times: 2 });

    const notification = await handler.invoke(eventFor(target.knownLease));

    expect(notification).toMatchObject({ enriched: false, enrichment: { status: 'failed', reason: 'throttled' } });
    expect(getItems().map((item) => item.fault)).toEqual(['throttle-on-demand', 'throttle-on-demand']);
    expect(lookupFailure()).toMatchObject({ reason: 'throttled', errorName: 'ThrottlingException', httpStatusCode: 400, attempts: 2 });
    expect(output.metric('EnrichmentThrottled')).toEqual([2]);
  });

  it.each<[FaultKind, string, number]>([
    ['server-error', 'InternalServerError', 500],
    ['access-denied', 'AccessDeniedException', 400],
    ['resource-not-found', 'ResourceNotFoundException', 400],
  ])('%s: one request, no retry, failed with %s', async (fault, errorName, httpStatusCode) => {
    proxy.inject(fault, { times: 2 });

    const notification = await handler.invoke(eventFor(target.knownLease));

    expect(notification).toMatchObject({ enriched: false, enrichment: { status: 'failed', reason: errorName } });
    expect(getItems()).toHaveLength(1);
    expect(lookupFailure()).toMatchObject({ reason: errorName, errorName, httpStatusCode, attempts: 1 });
    expect(output.metric('EnrichmentFailed')).toEqual([1]);
    expect(output.metric('EnrichmentThrottled')).toEqual([]);
  });

  it('drop: one request, no retry, failed without a status', async () => {
    proxy.inject('drop', { times: 2 });

    const notification = await handler.invoke(eventFor(target.knownLease));

    // The reason is Node's code, ECONNRESET. Under Jest, Node's socket error comes from outside the
    // test's VM realm, fails the SDK's `instanceof Error` and is wrapped as a plain `Error` without
    // its code; the runner test pins the real reason in a plain Node process.
    expect(notification).toMatchObject({
      enriched: false,
      enrichment: { status: 'failed', reason: expect.stringMatching(/^(ECONNRESET|Error)$/) },
    });
    expect(getItems()).toHaveLength(1);
    expect(lookupFailure()).toMatchObject({ attempts: 1 });
    expect(lookupFailure()?.httpStatusCode).toBeUndefined();
    expect(output.metric('EnrichmentFailed')).toEqual([1]);
  });

  it('recovers on the next event after a dropped connection', async () => {
    proxy.inject('drop');
    await handler.invoke(eventFor(target.knownLease));

    const notification = await handler.invoke(eventFor(target.knownLease));

    expect(notification.enrichment).toEqual({ status: 'enriched' });
    expect(proxy.connections).toBe(2);
  });

  it('holds the 2 s budget when the table never answers, and still notifies', async () => {
    proxy.inject('hang');

    const started = performance.now();
    const notification = await handler.invoke(eventFor(target.knownLease));
    const elapsedMs = performance.now() - started;

    expect(notification).toMatchObject({ enriched: false, enrichment: { status: 'failed', reason: 'timeout' } });
    expect(elapsedMs).toBeGreaterThanOrEqual(1900);
    expect(elapsedMs).toBeLessThan(2600);
    expect(getItems()).toHaveLength(1);
    expect(lookupFailure()).toMatchObject({ reason: 'timeout', budgetMs: 2000, attempts: 1 });
    // The SDK aborted the request at the deadline: the hung connection is closed, not left to linger.
    const hung = proxy.requestsFor('GetItem').at(-1)?.connection;
    for (let waited = 0; proxy.openConnections.includes(hung ?? 0) && waited < 1000; waited += 20) await sleep(20);
    expect(hung).toBeGreaterThan(0);
    expect(proxy.openConnections).not.toContain(hung);
  });

  it('stops asking after five failures in a row, then lets exactly one probe through', async () => {
    proxy.inject('server-error', { times: 5 });
    for (let failure = 0; failure < 5; failure += 1) {
      const notification = await handler.invoke(eventFor(target.knownLease));
      expect(notification.enrichment).toEqual({ status: 'failed', reason: 'InternalServerError' });
    }
    expect(getItems()).toHaveLength(5);
    expect(output.logs('WARN').map((line) => line.message)).toContain('Circuit breaker opened: lease lookups paused');

    const whileOpen = await handler.invoke(eventFor(target.knownLease));
    expect(whileOpen).toMatchObject({ enriched: false, enrichment: { status: 'skipped', reason: 'circuit-open' } });
    expect(getItems()).toHaveLength(5);
    expect(output.metric('EnrichmentCircuitOpened')).toEqual([1]);
    expect(output.metric('EnrichmentSkippedCircuitOpen')).toEqual([1]);

    await sleep(OPEN_MS + 50);
    // Two events at once when the breaker is half-open: one probes, the other is still skipped.
    const [probe, besideProbe] = await Promise.all([
      handler.invoke(eventFor(target.knownLease)),
      handler.invoke(eventFor(target.knownLease)),
    ]);
    expect(probe.enrichment).toEqual({ status: 'enriched' });
    expect(besideProbe.enrichment).toEqual({ status: 'skipped', reason: 'circuit-open' });
    expect(getItems()).toHaveLength(6);
    expect(output.logs('INFO').map((line) => line.message)).toContain('Circuit breaker closed: lease lookups resumed');

    const afterwards = await handler.invoke(eventFor(target.knownLease));
    expect(afterwards.enrichment).toEqual({ status: 'enriched' });
    expect(getItems()).toHaveLength(7);
  });

  it('opens again at once when the probe fails', async () => {
    proxy.inject('access-denied', { times: 6 });
    for (let failure = 0; failure < 5; failure += 1) await handler.invoke(eventFor(target.knownLease));
    await sleep(OPEN_MS + 50);

    const probe = await handler.invoke(eventFor(target.knownLease));
    const next = await handler.invoke(eventFor(target.knownLease));

    expect(probe.enrichment).toEqual({ status: 'failed', reason: 'AccessDeniedException' });
    expect(next.enrichment).toEqual({ status: 'skipped', reason: 'circuit-open' });
    expect(getItems()).toHaveLength(6);
    expect(output.metric('EnrichmentCircuitOpened')).toEqual([1, 1]);
  });

  it('ends hung requests when the proxy closes', async () => {
    const own = await startFaultProxy({ upstream: target.endpoint ?? '' });
    own.inject('hang');
    const answer = new Promise<string>((resolve) => {
      const hung = request(`${own.endpoint}/`, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' } });
      hung.once('response', () => resolve('answered'));
      hung.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      hung.end('{}');
    });
    await sleep(50);

    const started = performance.now();
    await own.close();

    expect(await answer).toBe('ECONNRESET');
    expect(performance.now() - started).toBeLessThan(500);
    expect(own.requestsFor('GetItem')).toEqual([expect.objectContaining({ fault: 'hang', connection: 1 })]);
  });
});
