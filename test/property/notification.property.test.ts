import { DynamoDBDocumentClient, GetCommand, type GetCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { LEASE_EVENT_DETAIL_TYPES } from '../../src/events.js';
import type { LeaseEvent } from '../../src/handlers/notification.js';
import { LEASE_KEY_LIMITS } from '../../src/lease.js';
import { findEmailAddresses, maskEmails } from '../../src/observability.js';
import { lambdaContext, leaseEvent, recordWithStatus } from '../support/lambda.js';
import { type CapturedOutput, captureOutput } from '../support/output.js';
import { propertyNotificationHandler } from '../support/property.js';

const ddb = mockClient(DynamoDBDocumentClient);

const KEY_NAMES = ['userEmail', 'uuid', 'leaseId', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'];

/**
 * Addresses in every spelling that reaches logs: plain, in capitals, with a quoted local part, with an
 * IP literal for a domain, and with the `@` percent-encoded.
 */
const anyAddress = fc.oneof(
  fc.emailAddress(),
  fc.emailAddress().map((email) => email.toUpperCase()),
  fc.tuple(fc.stringMatching(/^[a-z][a-z .]{0,15}$/), fc.domain()).map(([local, domain]) => `"${local}"@${domain}`),
  fc.tuple(fc.stringMatching(/^[a-z0-9.]{1,12}$/), fc.ipV4()).map(([local, ip]) => `${local}@[${ip}]`),
  fc.tuple(fc.stringMatching(/^[a-z0-9.]{1,12}$/), fc.ipV6()).map(([local, ip]) => `${local}@[IPv6:${ip}]`),
  fc.emailAddress().map((email) => email.replace('@', '%40')),
);

/** Strings of every kind bad input brings: emails, empties, huge ones, lone surrogates, emails inside text. */
const nastyString = fc.oneof(
  anyAddress,
  fc.constantFrom('', ' ', '\u0000', '\uD800', 'null', '__proto__'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 900, maxLength: 2100 }), // around the byte limits, multibyte
  fc.tuple(fc.string({ maxLength: 10 }), anyAddress, fc.string({ maxLength: 10 })).map(([a, email, b]) => `${a} ${email} ${b}`),
  fc.uuid(),
);

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nastyString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEY_NAMES), anyAddress, fc.string()), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Key field values: mostly strings, so that one bad field often sits beside a good one. */
const keyValue = fc.oneof(anyAddress, fc.uuid(), nastyString, nastyString, value);

/** A `detail` in the shape of the lease events, with any field absent, of any type or value. */
const leaseShapedDetail = fc.record(
  {
    userEmail: keyValue,
    uuid: keyValue,
    leaseId: fc.oneof(keyValue, fc.record({ userEmail: keyValue, uuid: keyValue }, { requiredKeys: [] })),
    note: nastyString,
    // ISB's own fields of the 12 detail-types, of any shape: the facts must check each.
    accountId: fc.oneof(fc.constant('111122223333'), value),
    totalSpend: fc.oneof(fc.double(), value),
    comments: nastyString,
    approvedBy: fc.oneof(anyAddress, fc.constant('AUTO_APPROVED'), value),
    deniedBy: fc.oneof(anyAddress, value),
    reason: fc.oneof(
      nastyString,
      value,
      fc.record(
        {
          type: fc.constantFrom('BudgetExceeded', 'Expired', 'ManuallyFrozen', 'ManuallyTerminated', '__proto__', 'toString'),
          comment: nastyString,
          totalSpend: fc.oneof(fc.double(), value),
          leaseDurationInHours: fc.oneof(fc.integer(), value),
        },
        { requiredKeys: ['type'] },
      ),
    ),
  },
  { requiredKeys: [] },
);

/** Anything at all as `detail`, including JSON with prototype keys as their own properties. */
const anyDetail = fc.oneof(
  leaseShapedDetail,
  leaseShapedDetail,
  value,
  fc.constant(undefined),
  fc
    .jsonValue()
    .map((json) => JSON.parse(`{"__proto__":{"userEmail":"ada@example.gov.uk","uuid":"u-1"},"x":${JSON.stringify(json)}}`) as unknown),
);

/** Every email address in a value, keys included, by the masker's own definition of one. */
const emailsIn = (input: unknown, found: string[] = []): string[] => {
  if (typeof input === 'string') found.push(...findEmailAddresses(input));
  else if (Array.isArray(input)) {
    for (const item of input) emailsIn(item, found);
  } else if (input && typeof input === 'object') {
    for (const [key, item] of Object.entries(input)) {
      emailsIn(key, found);
      emailsIn(item, found);
    }
  }
  return found;
};

const isValidKeyValue = (text: unknown, maxBytes: number) =>
  typeof text === 'string' && text.length > 0 && Buffer.byteLength(text) <= maxBytes && text.isWellFormed();

/** Whether any output carries `email`, as written or as JSON writes it inside a string. */
const leaks = (logged: string, email: string) => logged.includes(email) || logged.includes(JSON.stringify(email).slice(1, -1));

describe('the definition of an email address', () => {
  it('takes in every address, in any spelling, wherever it sits in text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), anyAddress, fc.string({ maxLength: 20 }), (before, email, after) => {
        const masked = maskEmails(`${before} ${email} ${after}`);

        expect(masked).not.toContain(email);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the notification handler, for any detail', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    ddb.reset();
    // Answer with a lease for half the keys, so both found and not-found paths run.
    ddb
      .on(GetCommand)
      .callsFake((input: GetCommandInput) =>
        String(input.Key?.uuid).length % 2 === 0 ? { Item: { ...recordWithStatus('Active'), ...input.Key } } : {},
      );
    output = captureOutput();
  });
  afterEach(() => output.restore());

  const handler = propertyNotificationHandler();

  /** The property: a notification for every event, no query with an invalid key, no address in any output. */
  const property = () =>
    fc.asyncProperty(anyDetail, fc.constantFrom(...LEASE_EVENT_DETAIL_TYPES), async (detail, detailType) => {
      output.lines.length = 0;
      ddb.resetHistory();
      const event: LeaseEvent =
        detail === undefined ? { ...leaseEvent(null, detailType), detail: undefined } : leaseEvent(detail, detailType);

      const notification = await handler(event, lambdaContext());

      expect(notification.eventId).toBe(event.id);
      expect(['enriched', 'not-found', 'skipped']).toContain(notification.enrichment.status);
      expect(notification.enriched).toBe(notification.enrichment.status === 'enriched');
      for (const call of ddb.commandCalls(GetCommand)) {
        const key = call.args[0].input.Key;
        expect(isValidKeyValue(key?.userEmail, LEASE_KEY_LIMITS.userEmail.maxBytes)).toBe(true);
        expect(isValidKeyValue(key?.uuid, LEASE_KEY_LIMITS.uuid.maxBytes)).toBe(true);
      }
      // A second, consistent GetItem only when the first read's status does not fit the event.
      const reread = notification.consistency === 'superseded' || notification.consistency === 'conflict';
      expect(ddb.commandCalls(GetCommand).length).toBe(notification.enrichment.status === 'skipped' ? 0 : reread ? 2 : 1);
      const logged = output.text();
      for (const email of emailsIn(event)) expect(leaks(logged, email)).toBe(false);
      // Addresses only where the notification says so: the recipient, and the approver or denier ISB mails.
      // (The mock table echoes the key into the record, so the lease's uuid is the event's own key.)
      const { recipient, facts, lease, ...rest } = notification;
      const { approvedBy, deniedBy, ...otherFacts } = facts as Record<string, unknown>;
      expect(emailsIn({ rest, otherFacts, lease: { ...lease, uuid: undefined } })).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(notification))).toBeLessThan(16 * 1024);
    });

  it('always resolves to a notification, never queries with an invalid key, never logs an email', async () => {
    await fc.assert(property(), { numRuns: 500 });
  });

  it('holds for the seeds and inputs that once broke it', async () => {
    // Seed 93230589: `(@A.#` counted as an address here and not in the masker, before they shared a definition.
    await fc.assert(property(), {
      seed: 93230589,
      numRuns: 500,
      examples: [[{ uuid: '(@A.# a@a.aa ' }, 'LeaseFrozen']],
    });
  });
});
