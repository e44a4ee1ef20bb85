import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type LeaseKeyExtractor, type LeaseKeyOptions, leaseKey } from '../../../../src/middleware/lease-key/index.js';
import { LEASE_KEY_INTERNAL, type LeaseInternal, type LeaseKeyDecision, type LeaseLogger } from '../../../../src/middleware/types.js';
import { lambdaContext, leaseEvent, testLogger } from '../../../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../../../support/output.js';

const ADA = 'ada.lovelace@example.gov.uk';
const UUID = '3f1c2a9e-8b4d-4e2a-9c61-0d5e7f8a9b10';

/** The middleware on a minimal handler that returns what the middleware decided. */
const decide = async <TEvent>(
  event: TEvent,
  extract?: LeaseKeyExtractor<TEvent>,
  logger: Pick<LeaseLogger, 'warn'> = testLogger(),
): Promise<LeaseKeyDecision | undefined> => {
  let decision: LeaseKeyDecision | undefined;
  const handler = middy<TEvent, string, Error, Context, LeaseInternal>()
    .use(leaseKey<TEvent>({ logger, extract }))
    .before((request) => {
      decision = request.internal[LEASE_KEY_INTERNAL];
    })
    .handler(() => 'notification sent');
  // Prepare done by the caller; Act:
  await expect(handler(event, lambdaContext())).resolves.toBe('notification sent');
  return decision;
};

describe('leaseKey', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());

  const warnings = () => output.logs('WARN');

  describe('finds the key in each form the lease events use', () => {
    it.each([
      ['leaseId object', { leaseId: { userEmail: ADA, uuid: UUID }, accountId: '111122223333' }],
      ['leaseId string beside userEmail', { leaseId: UUID, userEmail: ADA, approvedBy: 'AUTO_APPROVED' }],
      ['flat userEmail and uuid', { userEmail: ADA, uuid: UUID }],
    ])('%s', async (_form, detail) => {
      const decision = await decide(leaseEvent(detail));

      expect(decision).toEqual({ key: { userEmail: ADA, uuid: UUID } });
      expect(warnings()).toEqual([]);
    });

    it("leaves its decision under the documented key, 'leaseKey.decision', for middlewares of the user's own", async () => {
      let internal: Record<string, unknown> = {};
      const handler = middy()
        .use(leaseKey({ logger: testLogger() }))
        .before((request) => {
          internal = request.internal;
        })
        .handler(() => 'notification sent');

      await handler(leaseEvent({ userEmail: ADA, uuid: UUID }), lambdaContext());

      expect(internal['leaseKey.decision']).toEqual({ key: { userEmail: ADA, uuid: UUID } });
    });

    it('prefers a leaseId object over flat fields', async () => {
      const decision = await decide(
        leaseEvent({ leaseId: { userEmail: ADA, uuid: UUID }, userEmail: 'other@example.gov.uk', uuid: 'other' }),
      );

      expect(decision).toEqual({ key: { userEmail: ADA, uuid: UUID } });
    });

    it('takes a flat uuid over a leaseId of the wrong type', async () => {
      const decision = await decide(leaseEvent({ leaseId: 7, userEmail: ADA, uuid: UUID }));

      expect(decision).toEqual({ key: { userEmail: ADA, uuid: UUID } });
    });

    it('accepts keys at exactly the DynamoDB limits', async () => {
      const userEmail = `${'a'.repeat(2048 - '@example.gov.uk'.length)}@example.gov.uk`;
      const uuid = `${'€'.repeat(341)}x`; // 1023 + 1 bytes

      const decision = await decide(leaseEvent({ userEmail, uuid }));

      expect(decision).toEqual({ key: { userEmail, uuid } });
    });
  });

  describe('skips with a WARN naming the field, and never its value', () => {
    it.each([
      ['detail absent', undefined, [{ field: 'detail', problem: 'missing' }]],
      ['detail a string', 'lease', [{ field: 'detail', problem: 'not-an-object', got: 'string' }]],
      ['detail null', null, [{ field: 'detail', problem: 'not-an-object', got: 'null' }]],
      ['detail an array', [ADA, UUID], [{ field: 'detail', problem: 'not-an-object', got: 'array' }]],
      ['userEmail missing (flat)', { uuid: UUID }, [{ field: 'detail.userEmail', problem: 'missing' }]],
      ['uuid missing (flat)', { userEmail: ADA }, [{ field: 'detail.uuid', problem: 'missing' }]],
      [
        'both missing',
        {},
        [
          { field: 'detail.userEmail', problem: 'missing' },
          { field: 'detail.uuid', problem: 'missing' },
        ],
      ],
      ['uuid missing (leaseId object)', { leaseId: { userEmail: ADA } }, [{ field: 'detail.leaseId.uuid', problem: 'missing' }]],
      ['userEmail missing (leaseId string)', { leaseId: UUID }, [{ field: 'detail.userEmail', problem: 'missing' }]],
      [
        'userEmail a number',
        { leaseId: { userEmail: 42, uuid: UUID } },
        [{ field: 'detail.leaseId.userEmail', problem: 'not-a-string', got: 'number' }],
      ],
      ['uuid an object', { userEmail: ADA, uuid: { S: UUID } }, [{ field: 'detail.uuid', problem: 'not-a-string', got: 'object' }]],
      ['leaseId a number', { leaseId: 7, userEmail: ADA }, [{ field: 'detail.leaseId', problem: 'not-a-string', got: 'number' }]],
      ['uuid null', { userEmail: ADA, uuid: null }, [{ field: 'detail.uuid', problem: 'not-a-string', got: 'null' }]],
      ['userEmail empty', { userEmail: '', uuid: UUID }, [{ field: 'detail.userEmail', problem: 'empty' }]],
      ['uuid empty', { leaseId: '', userEmail: ADA }, [{ field: 'detail.leaseId', problem: 'empty' }]],
      [
        'userEmail over 2048 bytes',
        { userEmail: 'é'.repeat(1025), uuid: UUID }, // 1025 characters, 2050 bytes
        [{ field: 'detail.userEmail', problem: 'too-long', limitBytes: 2048 }],
      ],
      [
        'uuid over 1024 bytes',
        { userEmail: ADA, uuid: 'u'.repeat(1025) },
        [{ field: 'detail.uuid', problem: 'too-long', limitBytes: 1024 }],
      ],
      ['uuid with a lone surrogate', { userEmail: ADA, uuid: 'abc\uD800' }, [{ field: 'detail.uuid', problem: 'malformed' }]],
    ])('%s', async (_case, detail, problems) => {
      const event = detail === undefined ? { ...leaseEvent(null), detail: undefined } : leaseEvent(detail);

      const decision = await decide(event);

      expect(decision).toEqual({ problems });
      expect(warnings()).toEqual([
        expect.objectContaining({ message: 'Lease key invalid; enrichment skipped', reason: 'invalid-lease-key', problems }),
      ]);
      expect(output.text()).not.toContain(ADA);
      expect(output.text()).not.toContain(UUID);
    });

    it('ignores key fields that only an object prototype holds', async () => {
      const event = JSON.parse(
        `{"id":"e","detail":{"__proto__":{"userEmail":"${ADA}","uuid":"${UUID}"},"constructor":{"uuid":"x"}}}`,
      ) as unknown;

      const decision = await decide(event);

      expect(decision).toEqual({
        problems: [
          { field: 'detail.userEmail', problem: 'missing' },
          { field: 'detail.uuid', problem: 'missing' },
        ],
      });
    });

    it('reports a missing detail when the event itself is not an object', async () => {
      expect(await decide(null)).toEqual({ problems: [{ field: 'detail', problem: 'missing' }] });
      expect(await decide('LeaseFrozen')).toEqual({ problems: [{ field: 'detail', problem: 'missing' }] });
    });

    it('does not coerce or default anything in the event', async () => {
      const detail = { leaseId: { userEmail: ADA, uuid: 1234 } };
      const event = leaseEvent(detail);

      await decide(event);

      expect(event.detail).toEqual({ leaseId: { userEmail: ADA, uuid: 1234 } });
    });
  });

  describe('with an extractor of its own', () => {
    type QueueMessage = { body: string };
    const fromBody: LeaseKeyExtractor<QueueMessage> = (message) => {
      const body = JSON.parse(message.body) as { owner?: unknown; lease?: unknown };
      return { userEmail: body.owner, uuid: body.lease, paths: { userEmail: 'body.owner', uuid: 'body.lease' } };
    };

    it('takes the key where the extractor finds it', async () => {
      const decision = await decide({ body: JSON.stringify({ owner: ADA, lease: UUID }) }, fromBody);

      expect(decision).toEqual({ key: { userEmail: ADA, uuid: UUID } });
    });

    it('names fields by the paths the extractor gives', async () => {
      const decision = await decide({ body: JSON.stringify({ owner: ADA }) }, fromBody);

      expect(decision).toEqual({ problems: [{ field: 'body.lease', problem: 'missing' }] });
    });
  });

  describe('with a logger that throws', () => {
    const brokenLogger = (): Pick<LeaseLogger, 'warn'> => ({
      warn: () => {
        throw new TypeError('Converting circular structure to JSON');
      },
    });

    it('still skips and lets the handler run, reporting the failed WARN once on stderr', async () => {
      const decision = await decide(leaseEvent({ uuid: UUID }), undefined, brokenLogger());

      expect(decision).toEqual({ problems: [{ field: 'detail.userEmail', problem: 'missing' }] });
      expect(output.lines.filter((line) => line.stream === 'stderr').map((line) => line.json)).toEqual([
        {
          level: 'ERROR',
          message: 'leaseKey: warn() failed; the invocation goes on without it',
          error: { name: 'TypeError', message: 'Converting circular structure to JSON' },
        },
      ]);
    });
  });

  describe('checks its options when it is made', () => {
    it.each([
      [{ logger: undefined }, "leaseKey: option 'logger' is required"],
      [{ logger: 'console' }, "option 'logger' must be an object with warn(), got string"],
      [{ logger: { ...console, warn: undefined } }, "option 'logger' must have a method warn()"],
      [{ extract: 'detail.leaseId' }, "option 'extract' must be a function, got string"],
      [{ extractor: () => undefined }, "option 'extractor' is not an option"],
    ])('rejects %p with a TypeError naming the option', (options, message) => {
      const given = { logger: testLogger(), ...options } as unknown as LeaseKeyOptions<unknown>;

      expect(() => leaseKey(given)).toThrow(TypeError);
      expect(() => leaseKey(given)).toThrow(message);
    });

    it('takes any logger with warn(), the one method it calls', () => {
      expect(() => leaseKey({ logger: console })).not.toThrow();
      expect(() => leaseKey({ logger: { info: console.info, warn: console.warn, error: console.error } })).not.toThrow();
      expect(() => leaseKey({ logger: { warn: console.warn } })).not.toThrow();
    });
  });
});
