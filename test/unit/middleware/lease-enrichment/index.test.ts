import {
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { LeaseEvent } from '../../../../src/handlers/notification.js';
import {
  CircuitBreaker,
  createLeaseDocumentClient,
  type LeaseEnrichmentOptions,
  leaseEnrichment,
  THROTTLING_ERROR_NAMES,
} from '../../../../src/middleware/lease-enrichment/index.js';
import {
  LEASE_KEY_INTERNAL,
  LEASE_LOOKUP_INTERNAL,
  type LeaseEnrichmentContext,
  type LeaseInternal,
  type LeaseKeyDecision,
  type LeaseLogger,
  type LeaseLookup,
} from '../../../../src/middleware/types.js';
import { lambdaContext, leaseEvent, recordWithStatus, testLogger } from '../../../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../../../support/output.js';
import { settle } from '../../../support/timers.js';

const TABLE = 'LeaseTable';
const LEASE = recordWithStatus('Active');
const KEY = { userEmail: LEASE.userEmail, uuid: LEASE.uuid };
const ddb = mockClient(DynamoDBDocumentClient);
const EVENT = leaseEvent({ leaseId: KEY }, 'LeaseApproved');

const throttling = () =>
  new ProvisionedThroughputExceededException({
    message: 'Rate of requests exceeds the allowed throughput',
    $metadata: { httpStatusCode: 400 },
  });
const accessDenied = () =>
  new DynamoDBServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    message: 'not authorized',
    $metadata: { httpStatusCode: 400 },
  });

/** Resolves after `ms` of (fake) time: a table that takes that long to answer. */
const elapse = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  result: { outcome: LeaseEnrichmentContext['enrichment']; lease: LeaseEnrichmentContext['lease'] };
  record: LeaseLookup | undefined;
  elapsedMs: number;
}

/**
 * The middleware on a minimal handler that returns the outcome and lease from the context. A
 * `before` hook stands in for the lease key middleware; another reads what was left for the reporter.
 */
const enrichmentHandler = (options: Partial<LeaseEnrichmentOptions<LeaseEvent>> = {}, decision: LeaseKeyDecision | null = { key: KEY }) => {
  let record: LeaseLookup | undefined;
  const handler = middy<LeaseEvent, Run['result'], Error, LeaseEnrichmentContext, LeaseInternal>()
    .before((request) => {
      if (decision) request.internal[LEASE_KEY_INTERNAL] = decision;
    })
    .use(
      leaseEnrichment({
        logger: testLogger(),
        client: DynamoDBDocumentClient.from(createLeaseDocumentClient()),
        tableName: TABLE,
        ...options,
      }),
    )
    .before((request) => {
      record = request.internal[LEASE_LOOKUP_INTERNAL];
    })
    .handler((_event, context) => ({ outcome: context.enrichment, lease: context.lease }));

  return {
    handler,
    /** Invokes, letting fake time run until the invocation settles. */
    invoke: async (context: Context = lambdaContext(), event: LeaseEvent = EVENT): Promise<Run> => {
      const started = Date.now();
      const result = await settle(handler(event, context as LeaseEnrichmentContext));
      return { result, record, elapsedMs: Date.now() - started };
    },
  };
};

describe('leaseEnrichment', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    ddb.reset();
    jest.useFakeTimers();
    output = captureOutput();
  });
  afterEach(() => {
    output.restore();
    jest.useRealTimers();
  });

  describe('fetches the lease', () => {
    it('with one GetItem on the composite key, and puts it on the context', async () => {
      ddb.on(GetCommand).resolves({ Item: LEASE });

      const { result, record } = await enrichmentHandler().invoke();

      expect(result).toEqual({ outcome: { status: 'enriched' }, lease: LEASE });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: TABLE, Key: KEY, ConsistentRead: false });
      expect(record).toMatchObject({ outcome: { status: 'enriched' }, throttled: 0, circuitOpened: false, reread: false });
      expect(record?.attempts).toEqual([{ durationMs: expect.any(Number), result: 'found' }]);
      expect(output.logs('WARN')).toEqual([]);
    });

    it("leaves what it observed under the documented key, 'leaseEnrichment.lookup', for middlewares of the user's own", async () => {
      ddb.on(GetCommand).resolves({ Item: LEASE });
      let internal: Record<string, unknown> = {};
      const handler = middy()
        .before((request) => {
          (request.internal as Record<string, unknown>)['leaseKey.decision'] = { key: KEY };
        })
        .use(leaseEnrichment({ logger: testLogger(), tableName: TABLE }))
        .before((request) => {
          internal = request.internal;
        })
        .handler(() => 'notification sent');

      await settle(handler({}, lambdaContext()));

      expect(internal['leaseEnrichment.lookup']).toMatchObject({ outcome: { status: 'enriched' }, lease: LEASE, reread: false });
    });

    it('reports not-found when the table has no such lease', async () => {
      ddb.on(GetCommand).resolves({});

      const { result, record } = await enrichmentHandler().invoke();

      expect(result).toEqual({ outcome: { status: 'not-found' }, lease: undefined });
      expect(record?.attempts).toEqual([{ durationMs: expect.any(Number), result: 'not-found' }]);
    });

    it('passes a table ARN through as the table name, and reads consistently when asked', async () => {
      const arn = 'arn:aws:dynamodb:eu-west-2:123456789012:table/LeaseTable';
      ddb.on(GetCommand).resolves({ Item: LEASE });

      await enrichmentHandler({ tableName: arn, consistentRead: true }).invoke();

      expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: arn, ConsistentRead: true });
    });

    it('times each query by itself', async () => {
      ddb.on(GetCommand).callsFake(async () => {
        await elapse(40);
        return { Item: LEASE };
      });

      const { record } = await enrichmentHandler().invoke();

      expect(record?.attempts[0]?.durationMs).toBeGreaterThanOrEqual(40);
      expect(record?.attempts[0]?.durationMs).toBeLessThan(60);
    });
  });

  describe('on throttling', () => {
    it('retries exactly once, 500 ms later, and times the queries without the wait', async () => {
      ddb
        .on(GetCommand)
        .callsFakeOnce(async () => {
          await elapse(30);
          throw throttling();
        })
        .callsFake(async () => {
          await elapse(30);
          return { Item: LEASE };
        });
      const { invoke } = enrichmentHandler();

      const { result, record, elapsedMs } = await invoke();

      expect(result.outcome).toEqual({ status: 'enriched' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
      expect(elapsedMs).toBeGreaterThanOrEqual(560);
      expect(record?.throttled).toBe(1);
      expect(record?.attempts.map((item) => item.result)).toEqual(['ProvisionedThroughputExceededException', 'found']);
      for (const attempt of record?.attempts ?? []) expect(attempt.durationMs).toBeLessThan(100);
    });

    it('sends the retry no sooner than 500 ms after the first answer', async () => {
      ddb.on(GetCommand).rejectsOnce(throttling()).resolves({ Item: LEASE });
      const pending = enrichmentHandler().handler(EVENT, lambdaContext() as LeaseEnrichmentContext);

      await jest.advanceTimersByTimeAsync(499);
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
      await jest.advanceTimersByTimeAsync(1);
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
      await settle(pending);
    });

    it('fails with reason throttled when the retry is throttled too, after two requests in all', async () => {
      ddb.on(GetCommand).callsFake(async () => {
        await elapse(30);
        throw throttling();
      });

      const { result, record } = await enrichmentHandler().invoke();

      expect(result).toEqual({ outcome: { status: 'failed', reason: 'throttled' }, lease: undefined });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
      expect(record?.throttled).toBe(2);
      expect(record?.attempts.map((attempt) => attempt.durationMs)).toEqual([30, 30]);
      expect(output.logs('WARN')).toEqual([
        expect.objectContaining({
          message: 'Lease lookup failed; notification goes without lease context',
          reason: 'throttled',
          errorName: 'ProvisionedThroughputExceededException',
          httpStatusCode: 400,
          attempts: 2,
        }),
      ]);
    });

    it('retries the error names and waits the delay it is given', async () => {
      const throttled = new DynamoDBServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {} });
      ddb.on(GetCommand).rejectsOnce(throttled).resolves({ Item: LEASE });

      const { result, elapsedMs } = await enrichmentHandler({ retryOn: ['ThrottlingException'], retryDelayMs: 100 }).invoke();

      expect(result.outcome).toEqual({ status: 'enriched' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
      expect(elapsedMs).toBeGreaterThanOrEqual(100);
      expect(elapsedMs).toBeLessThan(500);
    });

    it('does not retry a throttling error left out of the names it is given, yet calls it throttled', async () => {
      ddb.on(GetCommand).rejects(throttling());

      const { result, record } = await enrichmentHandler({ retryOn: ['ThrottlingException'] }).invoke();

      expect(result.outcome).toEqual({ status: 'failed', reason: 'throttled' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
      expect(record?.throttled).toBe(1);
    });

    it.each(['ThrottlingException', 'RequestLimitExceeded'])(
      'retries %s once by default, 500 ms later, and calls it throttled',
      async (name) => {
        ddb.on(GetCommand).rejects(new DynamoDBServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 } }));

        const { result, record, elapsedMs } = await enrichmentHandler().invoke();

        expect(result.outcome).toEqual({ status: 'failed', reason: 'throttled' });
        expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
        expect(elapsedMs).toBeGreaterThanOrEqual(500);
        expect(record?.throttled).toBe(2);
        expect(output.logs('WARN')[0]).toMatchObject({ reason: 'throttled', errorName: name, attempts: 2 });
      },
    );

    it('counts only throttling as throttled when told to retry another error too', async () => {
      const serverError = () => new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } });
      ddb.on(GetCommand).rejects(serverError());

      const { result, record } = await enrichmentHandler({ retryOn: [...THROTTLING_ERROR_NAMES, 'InternalServerError'] }).invoke();

      expect(result.outcome).toEqual({ status: 'failed', reason: 'InternalServerError' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
      expect(record?.throttled).toBe(0);
      expect(record?.attempts.map((item) => item.result)).toEqual(['InternalServerError', 'InternalServerError']);
    });
  });

  describe('on any other error', () => {
    it.each([
      ['AccessDeniedException', accessDenied(), 400],
      [
        'ResourceNotFoundException',
        new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: { httpStatusCode: 400 } }),
        400,
      ],
      ['InternalServerError', new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } }), 500],
      [
        'ValidationException', // a `code` that is not a system error code does not replace the name
        Object.assign(new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', $metadata: {} }), {
          code: 'Validation',
        }),
        undefined,
      ],
    ])('fails at once with %s as the reason, after one request', async (name, error, httpStatusCode) => {
      ddb.on(GetCommand).rejects(error);

      const { result, record } = await enrichmentHandler().invoke();

      expect(result).toEqual({ outcome: { status: 'failed', reason: name }, lease: undefined });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
      expect(record?.throttled).toBe(0);
      const [warning] = output.logs('WARN');
      expect(warning).toMatchObject({ reason: name, errorName: name, attempts: 1 });
      expect(warning?.httpStatusCode).toBe(httpStatusCode);
    });

    it.each([
      ['a reset connection, which the SDK names TimeoutError', 'TimeoutError', 'ECONNRESET'],
      ['a refused connection', 'Error', 'ECONNREFUSED'],
    ])('names %s by its system code, after one request', async (_case, name, code) => {
      ddb.on(GetCommand).rejects(Object.assign(new Error('socket hang up'), { name, code }));

      const { result } = await enrichmentHandler().invoke();

      expect(result.outcome).toEqual({ status: 'failed', reason: code });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
      expect(output.logs('WARN')[0]).toMatchObject({ reason: code, errorName: name, errorCode: code });
    });

    it('fails, naming the error, when a client throws instead of rejecting', async () => {
      const client = {
        send: jest.fn(() => {
          throw new RangeError('bad command');
        }),
      } as unknown as DynamoDBDocumentClient;

      const { result, record } = await enrichmentHandler({ client }).invoke();

      expect(result.outcome).toEqual({ status: 'failed', reason: 'RangeError' });
      expect(record?.attempts).toEqual([{ durationMs: expect.any(Number), result: 'RangeError' }]);
    });

    it.each([
      ['a string', 'boom'],
      ['undefined', undefined],
      ['null', null],
      ['an object without a name', { message: 'socket closed' }],
      ['an object whose name is not a string', { name: 42, message: 'socket closed' }],
      ['a function, which has a name', function send() {}],
    ])('names a rejection with %s UnknownError, at once, and logs it', async (_case, rejection) => {
      const client = { send: jest.fn(() => Promise.reject(rejection)) } as unknown as DynamoDBDocumentClient;

      const { result, record, elapsedMs } = await enrichmentHandler({ client }).invoke();

      expect(result).toEqual({ outcome: { status: 'failed', reason: 'UnknownError' }, lease: undefined });
      expect(record?.attempts).toEqual([{ durationMs: expect.any(Number), result: 'UnknownError' }]);
      expect(elapsedMs).toBeLessThan(20);
      expect(output.fields('WARN')).toEqual([
        {
          message: 'Lease lookup failed; notification goes without lease context',
          reason: 'UnknownError',
          errorName: 'UnknownError',
          attempts: 1,
          budgetMs: 2000,
        },
      ]);
    });

    it.each([
      ['a Node code that is no system error code', 'ERR_HTTP2_STREAM_ERROR'],
      ['a code that only ends like one', 'UND_ERR_SOCKET'],
      ['a code that is not a string', { toString: (): string => 'ECONNRESET' }],
    ])('keeps the error name as the reason for %s', async (_case, code) => {
      ddb.on(GetCommand).rejects(Object.assign(new Error('stream closed'), { name: 'Http2StreamError', code }));

      const { result } = await enrichmentHandler().invoke();

      expect(result.outcome).toEqual({ status: 'failed', reason: 'Http2StreamError' });
      expect(output.fields('WARN')).toEqual([
        {
          message: 'Lease lookup failed; notification goes without lease context',
          reason: 'Http2StreamError',
          errorName: 'Http2StreamError',
          attempts: 1,
          budgetMs: 2000,
        },
      ]);
    });

    it('logs the failure with every field an operator reads, and nothing more', async () => {
      ddb.on(GetCommand).rejects(Object.assign(accessDenied(), { code: 'EACCES' }));

      await enrichmentHandler().invoke(lambdaContext(1700));

      expect(output.fields('WARN')).toEqual([
        {
          message: 'Lease lookup failed; notification goes without lease context',
          reason: 'EACCES',
          errorName: 'AccessDeniedException',
          errorCode: 'EACCES',
          httpStatusCode: 400,
          attempts: 1,
          budgetMs: 1200,
        },
      ]);
    });
  });

  describe('keeps within its time budget', () => {
    const hungClient = () => {
      const send = jest.fn(
        (_command: unknown, { abortSignal }: { abortSignal: AbortSignal }) =>
          new Promise<never>((_resolve, reject) => {
            // As the SDK's HTTP handler does: the request is destroyed and the call rejects with an AbortError.
            abortSignal.onabort = () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
          }),
      );
      return { send, client: { send } as unknown as DynamoDBDocumentClient };
    };

    it('gives up on a table that never answers after 2 s, aborting the request', async () => {
      const { send, client } = hungClient();

      const { result, record, elapsedMs } = await enrichmentHandler({ client }).invoke();

      expect(result.outcome).toEqual({ status: 'failed', reason: 'timeout' });
      expect(elapsedMs).toBeGreaterThanOrEqual(2000);
      expect(elapsedMs).toBeLessThan(2020);
      expect(send).toHaveBeenCalledTimes(1);
      expect(send.mock.calls[0]?.[1].abortSignal.aborted).toBe(true);
      expect(record?.attempts).toEqual([{ durationMs: expect.any(Number), result: 'timeout' }]);
      expect(output.logs('WARN')[0]).toMatchObject({ reason: 'timeout', budgetMs: 2000 });
    });

    it('never retries once the budget has run out, whatever retryOn names', async () => {
      const { send, client } = hungClient();

      const { result, elapsedMs } = await enrichmentHandler({
        client,
        retryOn: ['timeout', 'AbortError'],
      }).invoke();

      expect(result.outcome).toEqual({ status: 'failed', reason: 'timeout' });
      expect(send).toHaveBeenCalledTimes(1);
      expect(elapsedMs).toBeLessThan(2020);
    });

    it('counts the backoff wait against the budget and aborts it', async () => {
      ddb.on(GetCommand).callsFake(async () => {
        await elapse(1800);
        throw throttling();
      });

      const { result, elapsedMs } = await enrichmentHandler().invoke();

      expect(result.outcome).toEqual({ status: 'failed', reason: 'timeout' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
      expect(elapsedMs).toBeLessThan(2020);
    });

    it('shrinks the budget to the Lambda time left, minus the reserve', async () => {
      const { client } = hungClient();

      const { elapsedMs, record } = await enrichmentHandler({ client }).invoke(lambdaContext(1500));

      expect(record?.outcome).toEqual({ status: 'failed', reason: 'timeout' });
      expect(elapsedMs).toBeGreaterThanOrEqual(1000);
      expect(elapsedMs).toBeLessThan(1020);
    });

    it('takes its budget and reserve from options', async () => {
      const { client } = hungClient();

      const { elapsedMs } = await enrichmentHandler({ client, budgetMs: 300, retryDelayMs: 100, reserveMs: 0 }).invoke(lambdaContext(250));

      expect(elapsedMs).toBeGreaterThanOrEqual(250);
      expect(elapsedMs).toBeLessThan(270);
    });

    it('uses the whole budget when the context cannot tell the time left', async () => {
      const { client } = hungClient();
      const { getRemainingTimeInMillis: _unknown, ...context } = lambdaContext();

      const { elapsedMs } = await enrichmentHandler({ client, budgetMs: 700 }).invoke(context as LeaseEnrichmentContext);

      expect(elapsedMs).toBeGreaterThanOrEqual(700);
      expect(elapsedMs).toBeLessThan(720);
    });

    it('uses the whole budget when the context tells the time left as no number', async () => {
      const { client } = hungClient();
      const context = { ...lambdaContext(), getRemainingTimeInMillis: () => undefined as unknown as number };

      const { result, elapsedMs } = await enrichmentHandler({ client }).invoke(context);

      expect(result.outcome).toEqual({ status: 'failed', reason: 'timeout' });
      expect(elapsedMs).toBeGreaterThanOrEqual(2000);
      expect(elapsedMs).toBeLessThan(2020);
    });

    it('skips, without asking, when the Lambda has no time to spare', async () => {
      const { result } = await enrichmentHandler().invoke(lambdaContext(500));

      expect(result.outcome).toEqual({ status: 'skipped', reason: 'no-time-left' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 0);
      expect(output.fields('WARN')).toEqual([
        { message: 'Too little time left to look the lease up; enrichment skipped', reason: 'no-time-left' },
      ]);
    });

    it('leaves a request that answered alone when its budget runs out later', async () => {
      const send = jest.fn((_command: unknown, _options: { abortSignal: AbortSignal }) => Promise.resolve({ Item: LEASE }));

      await enrichmentHandler({ client: { send } as unknown as DynamoDBDocumentClient }).invoke();
      await jest.advanceTimersByTimeAsync(5000);

      expect(send.mock.calls[0]?.[1].abortSignal.aborted).toBe(false);
    });
  });

  describe('re-reads consistently when rereadWhen asks', () => {
    const NEWER = { ...LEASE, status: 'Frozen' } as const;

    it('never, by default: one eventually consistent GetItem', async () => {
      ddb.on(GetCommand).resolves({ Item: LEASE });

      const { record } = await enrichmentHandler().invoke();

      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: false });
      expect(record?.reread).toBe(false);
    });

    it('reads once more with ConsistentRead, and puts the newer lease on the context', async () => {
      ddb
        .on(GetCommand, { ConsistentRead: false })
        .resolves({ Item: LEASE })
        .on(GetCommand, { ConsistentRead: true })
        .resolves({ Item: NEWER });
      const rereadWhen = jest.fn((_lease: unknown, _event: LeaseEvent) => true);
      const circuitBreaker = new CircuitBreaker({ failureThreshold: 1 });

      const { result, record } = await enrichmentHandler({ rereadWhen, circuitBreaker }).invoke();

      expect(result).toEqual({ outcome: { status: 'enriched' }, lease: NEWER });
      expect(rereadWhen).toHaveBeenCalledWith(LEASE, EVENT);
      expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
        { TableName: TABLE, Key: KEY, ConsistentRead: false },
        { TableName: TABLE, Key: KEY, ConsistentRead: true },
      ]);
      expect(record).toMatchObject({ reread: true, attempts: [{ result: 'found' }, { result: 'found' }] });
      expect(circuitBreaker.state).toBe('closed');
    });

    it('not when the first read fails', async () => {
      ddb.on(GetCommand).rejects(accessDenied());

      const { result, record } = await enrichmentHandler({ rereadWhen: () => true }).invoke();

      expect(result.outcome).toEqual({ status: 'failed', reason: 'AccessDeniedException' });
      expect(record).toMatchObject({ reread: false });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
    });

    it('reopens a half-open breaker when the probe re-read fails', async () => {
      const circuitBreaker = new CircuitBreaker({ failureThreshold: 1, openMs: 1000 });
      ddb.on(GetCommand).rejectsOnce(accessDenied()).resolvesOnce({ Item: LEASE }).rejects(accessDenied());
      const { invoke } = enrichmentHandler({ rereadWhen: () => true, circuitBreaker });
      await invoke();
      jest.advanceTimersByTime(1000);

      const probe = await invoke();

      expect(probe.result).toEqual({ outcome: { status: 'enriched' }, lease: LEASE });
      expect(circuitBreaker.state).toBe('open');
    });

    it('not when the first read finds nothing, nor when every read is consistent already', async () => {
      const rereadWhen = () => true;
      ddb.on(GetCommand).resolves({});
      expect((await enrichmentHandler({ rereadWhen }).invoke()).record?.reread).toBe(false);
      ddb.reset();
      ddb.on(GetCommand).resolves({ Item: LEASE });
      expect((await enrichmentHandler({ rereadWhen, consistentRead: true }).invoke()).record?.reread).toBe(false);

      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
    });

    it('retries a throttled re-read once, as any read', async () => {
      ddb
        .on(GetCommand, { ConsistentRead: false })
        .resolves({ Item: LEASE })
        .on(GetCommand, { ConsistentRead: true })
        .rejectsOnce(throttling())
        .resolves({ Item: NEWER });

      const { result, record } = await enrichmentHandler({ rereadWhen: () => true }).invoke();

      expect(result.lease).toEqual(NEWER);
      expect(record).toMatchObject({ reread: true, throttled: 1 });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 3);
    });

    it('keeps the first lease when the re-read fails, with a WARN, and counts the failure in the breaker', async () => {
      ddb
        .on(GetCommand, { ConsistentRead: false })
        .resolves({ Item: LEASE })
        .on(GetCommand, { ConsistentRead: true })
        .rejects(accessDenied());
      const circuitBreaker = new CircuitBreaker({ failureThreshold: 1 });

      const { result, record } = await enrichmentHandler({ rereadWhen: () => true, circuitBreaker }).invoke();

      expect(result).toEqual({ outcome: { status: 'enriched' }, lease: LEASE });
      expect(record).toMatchObject({ reread: true, circuitOpened: true });
      expect(output.fields('WARN')).toEqual([
        {
          message: 'Lease re-read failed; the lookup keeps the lease it read first',
          reason: 'AccessDeniedException',
          errorName: 'AccessDeniedException',
          httpStatusCode: 400,
          attempts: 2,
          budgetMs: 2000,
        },
        { message: 'Circuit breaker opened: lease lookups paused', reason: 'circuit-opened' },
      ]);
    });

    it('takes a re-read that finds nothing as the answer: the record is gone', async () => {
      ddb.on(GetCommand, { ConsistentRead: false }).resolves({ Item: LEASE }).on(GetCommand, { ConsistentRead: true }).resolves({});

      const { result, record } = await enrichmentHandler({ rereadWhen: () => true }).invoke();

      expect(result).toEqual({ outcome: { status: 'not-found' }, lease: undefined });
      expect(record?.attempts.map((attempt) => attempt.result)).toEqual(['found', 'not-found']);
    });

    it('stays within the same budget, aborting a re-read that runs out of it', async () => {
      const send = jest.fn((command: GetCommand, { abortSignal }: { abortSignal: AbortSignal }) =>
        command.input.ConsistentRead
          ? new Promise((_resolve, reject) => {
              abortSignal.onabort = () => reject(new Error('Request aborted'));
            })
          : elapse(1500).then(() => ({ Item: LEASE })),
      );

      const { result, record, elapsedMs } = await enrichmentHandler({
        client: { send } as unknown as DynamoDBDocumentClient,
        rereadWhen: () => true,
      }).invoke();

      expect(result).toEqual({ outcome: { status: 'enriched' }, lease: LEASE });
      expect(record?.attempts.map((attempt) => attempt.result)).toEqual(['found', 'timeout']);
      expect(elapsedMs).toBeGreaterThanOrEqual(2000);
      expect(elapsedMs).toBeLessThan(2020);
      expect(send.mock.calls[1]?.[1].abortSignal.aborted).toBe(true);
    });
  });

  describe('skips without asking DynamoDB', () => {
    it('when the lease key middleware rejected the key, leaving the WARN to it', async () => {
      const { result, record } = await enrichmentHandler({}, { problems: [{ field: 'detail.uuid', problem: 'missing' }] }).invoke();

      expect(result).toEqual({ outcome: { status: 'skipped', reason: 'invalid-lease-key' }, lease: undefined });
      expect(record).toEqual({ outcome: result.outcome, attempts: [], throttled: 0, circuitOpened: false, reread: false });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 0);
      expect(output.logs()).toEqual([]);
    });

    it('with an ERROR when no lease key middleware ran before it', async () => {
      const { result } = await enrichmentHandler({}, null).invoke();

      expect(result.outcome).toEqual({ status: 'skipped', reason: 'no-lease-key-middleware' });
      expect(output.fields('ERROR')).toEqual([
        {
          message: 'No lease key decision: use the leaseKey middleware before leaseEnrichment; enrichment skipped',
          reason: 'no-lease-key-middleware',
        },
      ]);
    });

    it('with an ERROR naming LEASE_TABLE_NAME when no table is configured', async () => {
      delete process.env.LEASE_TABLE_NAME;

      const { result } = await enrichmentHandler({ tableName: undefined }).invoke();

      expect(result.outcome).toEqual({ status: 'skipped', reason: 'no-table-configured' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 0);
      expect(output.logs('ERROR')).toEqual([
        expect.objectContaining({ message: 'LEASE_TABLE_NAME is not set; enrichment skipped', reason: 'no-table-configured' }),
      ]);
    });
  });

  it('reads LEASE_TABLE_NAME once, when it is created', async () => {
    process.env.LEASE_TABLE_NAME = 'LeaseTableFromEnv';
    ddb.on(GetCommand).resolves({ Item: LEASE });
    const { invoke } = enrichmentHandler({ tableName: undefined });
    process.env.LEASE_TABLE_NAME = 'ChangedLater';

    await invoke();

    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'LeaseTableFromEnv' });
    delete process.env.LEASE_TABLE_NAME;
  });

  describe('with its circuit breaker', () => {
    it('opens after 5 failed enrichments, then skips without asking', async () => {
      ddb.on(GetCommand).rejects(accessDenied());
      const { invoke } = enrichmentHandler();

      const runs: Run[] = [];
      for (let i = 0; i < 6; i += 1) runs.push(await invoke());

      expect(runs.map((run) => run.record?.circuitOpened)).toEqual([false, false, false, false, true, false]);
      expect(runs[5]?.result.outcome).toEqual({ status: 'skipped', reason: 'circuit-open' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 5);
      expect(output.fields('WARN').slice(4)).toEqual([
        {
          message: 'Lease lookup failed; notification goes without lease context',
          reason: 'AccessDeniedException',
          errorName: 'AccessDeniedException',
          httpStatusCode: 400,
          attempts: 1,
          budgetMs: 2000,
        },
        { message: 'Circuit breaker opened: lease lookups paused', reason: 'circuit-opened' },
        { message: 'Circuit breaker open; enrichment skipped', reason: 'circuit-open' },
      ]);
    });

    it('lets one probe through after 30 s, and closes when it succeeds', async () => {
      ddb.on(GetCommand).rejects(accessDenied());
      const { invoke } = enrichmentHandler();
      for (let i = 0; i < 5; i += 1) await invoke();
      ddb.reset();
      ddb.on(GetCommand).resolves({ Item: LEASE });

      jest.advanceTimersByTime(29_000);
      expect((await invoke()).result.outcome).toEqual({ status: 'skipped', reason: 'circuit-open' });
      jest.advanceTimersByTime(1_000);
      const probe = await invoke();

      const next = await invoke();

      expect(probe.result.outcome).toEqual({ status: 'enriched' });
      expect(next.result.outcome).toEqual({ status: 'enriched' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
      expect(output.fields('INFO')).toEqual([{ message: 'Circuit breaker closed: lease lookups resumed' }]);
    });

    it('opens again when the probe fails', async () => {
      ddb.on(GetCommand).rejects(accessDenied());
      const circuitBreaker = new CircuitBreaker({ failureThreshold: 2, openMs: 1000 });
      const { invoke } = enrichmentHandler({ circuitBreaker });
      await invoke();
      await invoke();

      jest.advanceTimersByTime(1000);
      const probe = await invoke();

      expect(probe.record?.circuitOpened).toBe(true);
      expect((await invoke()).result.outcome).toEqual({ status: 'skipped', reason: 'circuit-open' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 3);
    });

    it('counts not-found as an answer, and skips as nothing', async () => {
      const circuitBreaker = new CircuitBreaker({ failureThreshold: 2 });
      ddb.on(GetCommand).rejectsOnce(accessDenied()).resolvesOnce({}).rejects(accessDenied());
      const { invoke } = enrichmentHandler({ circuitBreaker });

      await invoke();
      await invoke();
      await enrichmentHandler({ circuitBreaker }, { problems: [] }).invoke();
      await invoke();

      expect(circuitBreaker.state).toBe('closed');
    });
  });
});

/** A logger whose every call throws, with an address in the message, as a broken log sink might. */
const brokenLogger = (): LeaseLogger => {
  const fail = () => {
    throw new Error('log sink closed while writing for ada@example.gov.uk');
  };
  return { info: fail, warn: fail, error: fail };
};

/** The failure reports on stderr: JSON lines from the middlewares' containment. */
const failureReports = (output: CapturedOutput) =>
  output.lines.filter((line) => line.stream === 'stderr').map((line) => line.json ?? { text: line.text });

describe('leaseEnrichment with a logger that throws', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    ddb.reset();
    jest.useFakeTimers();
    output = captureOutput();
  });
  afterEach(() => {
    output.restore();
    jest.useRealTimers();
  });

  it('still resolves with the outcome, and reports each failed log call once on stderr, address masked', async () => {
    ddb.on(GetCommand).rejects(accessDenied());

    const { result } = await enrichmentHandler({ logger: brokenLogger() }).invoke();

    expect(result.outcome).toEqual({ status: 'failed', reason: 'AccessDeniedException' });
    expect(failureReports(output)).toEqual([
      {
        level: 'ERROR',
        message: 'leaseEnrichment: warn() failed; the invocation goes on without it',
        error: { name: 'Error', message: 'log sink closed while writing for [email]' },
      },
    ]);
  });

  it('does not leave a half-open breaker waiting for a probe whose failure it could not log', async () => {
    ddb.on(GetCommand).rejects(accessDenied());
    const circuitBreaker = new CircuitBreaker({ failureThreshold: 1, openMs: 1000 });
    const { invoke } = enrichmentHandler({ logger: brokenLogger(), circuitBreaker });
    await invoke();
    jest.advanceTimersByTime(1000);

    const probe = await invoke();
    jest.advanceTimersByTime(1000);
    const nextProbe = await invoke();

    expect(probe.result.outcome).toEqual({ status: 'failed', reason: 'AccessDeniedException' });
    expect(probe.record?.circuitOpened).toBe(true);
    expect(nextProbe.result.outcome).toEqual({ status: 'failed', reason: 'AccessDeniedException' });
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 3);
  });

  it('closes the breaker when a probe succeeds, though it cannot log that it closed', async () => {
    ddb.on(GetCommand).rejectsOnce(accessDenied()).resolves({ Item: LEASE });
    const circuitBreaker = new CircuitBreaker({ failureThreshold: 1, openMs: 1000 });
    const { invoke } = enrichmentHandler({ logger: brokenLogger(), circuitBreaker });
    await invoke();
    jest.advanceTimersByTime(1000);

    const probe = await invoke();

    expect(probe.result.outcome).toEqual({ status: 'enriched' });
    expect(circuitBreaker.state).toBe('closed');
    expect(failureReports(output).map((report) => report.message)).toContain(
      'leaseEnrichment: info() failed; the invocation goes on without it',
    );
  });

  it('reports a logger that rejects, instead of leaving an unhandled rejection', async () => {
    const rejecting = async () => Promise.reject(new Error('async sink closed'));
    const logger = { info: rejecting, warn: rejecting, error: rejecting } as unknown as LeaseLogger;
    ddb.on(GetCommand).rejects(accessDenied());

    const { result } = await enrichmentHandler({ logger }).invoke();
    await jest.advanceTimersByTimeAsync(0);

    expect(result.outcome).toEqual({ status: 'failed', reason: 'AccessDeniedException' });
    expect(failureReports(output)).toEqual([expect.objectContaining({ error: { name: 'Error', message: 'async sink closed' } })]);
  });
});

describe('leaseEnrichment options', () => {
  const logger = testLogger();

  it.each([
    [{ budgetMs: Number.NaN }, RangeError, "leaseEnrichment: option 'budgetMs' must be a finite number, got NaN"],
    [{ budgetMs: 0 }, RangeError, "option 'budgetMs' must be > 0, got 0"],
    [{ budgetMs: Number.POSITIVE_INFINITY }, RangeError, "option 'budgetMs' must be a finite number, got Infinity"],
    [{ budgetMs: 2 ** 31 }, RangeError, "option 'budgetMs' must be <= 2147483647, got 2147483648"],
    [{ budgetMs: '2000' }, TypeError, "option 'budgetMs' must be a number, got string"],
    [{ retryDelayMs: -1 }, RangeError, "option 'retryDelayMs' must be >= 0, got -1"],
    [{ retryDelayMs: 2000 }, RangeError, "option 'retryDelayMs' must be less than budgetMs (2000), got 2000: the retry could never run"],
    [{ budgetMs: 300 }, RangeError, "option 'retryDelayMs' must be less than budgetMs (300), got 500: the retry could never run"],
    [{ reserveMs: -500 }, RangeError, "option 'reserveMs' must be >= 0, got -500"],
    [{ reserveMs: Number.NEGATIVE_INFINITY }, RangeError, "option 'reserveMs' must be a finite number, got -Infinity"],
    [{ reserveMs: null }, TypeError, "option 'reserveMs' must be a number, got null"],
    [{ retryOn: 'ThrottlingException' }, TypeError, "option 'retryOn' must be an array of strings, got string"],
    [{ retryOn: new Set(['ThrottlingException']) }, TypeError, "option 'retryOn' must be an array of strings, got object"],
    [{ retryOn: ['ThrottlingException', 42] }, TypeError, "option 'retryOn' must hold non-empty strings, got number at index 1"],
    [{ retryOn: [''] }, TypeError, "option 'retryOn' must hold non-empty strings, got an empty string at index 0"],
    [{ tableName: '' }, TypeError, "option 'tableName' must be the LeaseTable's name or ARN, got an empty string"],
    [{ tableName: 42 }, TypeError, "option 'tableName' must be the LeaseTable's name or ARN, got number"],
    [{ consistentRead: 'yes' }, TypeError, "option 'consistentRead' must be a boolean, got string"],
    [{ consistentRead: [true] }, TypeError, "option 'consistentRead' must be a boolean, got array"],
    [{ rereadWhen: true }, TypeError, "option 'rereadWhen' must be a function, got boolean"],
    [{ client: {} }, TypeError, "option 'client' must have a method send()"],
    [{ client: 'DynamoDB' }, TypeError, "option 'client' must be an object with send(), got string"],
    [{ circuitBreaker: { failureThreshold: 3 } }, TypeError, "option 'circuitBreaker' must have a method tryAcquire()"],
    [{ budgetMS: 1000 }, TypeError, "option 'budgetMS' is not an option"],
    [{ logger: undefined }, TypeError, "option 'logger' is required"],
    [{ logger: { info: () => undefined, warn: () => undefined } }, TypeError, "option 'logger' must have a method error()"],
  ])('rejects %p when it is made, naming the option', (options, kind, message) => {
    const make = () => leaseEnrichment({ logger, tableName: TABLE, ...options } as unknown as LeaseEnrichmentOptions);

    expect(make).toThrow(kind);
    expect(make).toThrow(message);
  });

  it.each([
    [{ retryDelayMs: 0 }],
    [{ retryDelayMs: 2 ** 31 - 2, budgetMs: 2 ** 31 - 1 }],
    [{ budgetMs: 0.5, retryDelayMs: 0.25 }],
    [{ budgetMs: 100, retryOn: [] }],
    [{ reserveMs: 0 }],
    [{ logger: { info: console.info, warn: console.warn, error: console.error } }],
  ])('accepts %p, at the edge of what it takes', (options) => {
    expect(() => leaseEnrichment({ logger, tableName: TABLE, ...options })).not.toThrow();
  });

  it('names this package and the option as the cause', () => {
    expect(() => leaseEnrichment({ logger, budgetMs: -1 })).toThrow(
      expect.objectContaining({ cause: { package: 'lease-enrichment', data: { source: 'leaseEnrichment', option: 'budgetMs' } } }),
    );
  });

  it('takes an option given as undefined as its default', async () => {
    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: LEASE });
    const output = captureOutput();
    const { handler } = enrichmentHandler({ budgetMs: undefined, retryOn: undefined, circuitBreaker: undefined });

    const result = await handler(EVENT, lambdaContext() as LeaseEnrichmentContext);
    output.restore();

    expect(result.outcome).toEqual({ status: 'enriched' });
  });
});

describe('leaseEnrichment without a client', () => {
  it('creates a DocumentClient of its own', async () => {
    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: LEASE });
    const output = captureOutput();
    const handler = middy<unknown, unknown, Error, LeaseEnrichmentContext, LeaseInternal>()
      .before((request) => {
        request.internal[LEASE_KEY_INTERNAL] = { key: KEY };
      })
      .use(leaseEnrichment({ logger: testLogger(), tableName: TABLE }))
      .handler((_event, context) => context.enrichment);

    await expect(handler({}, lambdaContext())).resolves.toEqual({ status: 'enriched' });
    output.restore();
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
  });
});
