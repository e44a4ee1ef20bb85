import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { LeaseEvent } from '../../src/handlers/notification.js';
import type { Lease, LeaseStatus, LeaseWithStatus } from '../../src/lease.js';
import type { LeaseEnrichmentContext } from '../../src/middleware/types.js';
import { maskEmailsReplacer } from '../../src/observability.js';

/**
 * A Lambda context as the runtime passes it, with as much time left as asked. Typed as what the
 * lease middlewares make of it, because that is how middy types the handlers' context parameter.
 */
export const lambdaContext = (remainingMs = 10_000): LeaseEnrichmentContext =>
  ({
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'lease-notifications',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:lease-notifications',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/lease-notifications',
    logStreamName: '2026/11/25/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context as LeaseEnrichmentContext;

/** A Powertools Logger set up as the handlers set theirs up. */
export const testLogger = (): Logger =>
  new Logger({ serviceName: 'lease-notifications', logLevel: 'DEBUG', jsonReplacerFn: maskEmailsReplacer });

export const testMetrics = (): Metrics => new Metrics({ namespace: 'LeaseEnrichmentTest', serviceName: 'lease-notifications' });

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as T;

/** Realistic LeaseTable items, as ISB writes them: every status, in several variants. */
export const leaseRecords = fixture<Lease[]>('lease-records.json');

/** Realistic lease events, including ones that must degrade. */
export const leaseEvents = fixture<LeaseEvent[]>('lease-events.json');

/** The fixture event whose id's second group is `number`, such as `'0021'`. */
export const fixtureEvent = (number: string): LeaseEvent => {
  const event = leaseEvents.find((item) => item.id.split('-')[1] === number);
  if (!event) throw new Error(`no fixture event ${number}`);
  return event;
};

/** The first fixture lease with a status, narrowed to that status's type. */
export const recordWithStatus = <S extends LeaseStatus>(status: S): LeaseWithStatus<S> => {
  const record = leaseRecords.find((item): item is LeaseWithStatus<S> => item.status === status);
  if (!record) throw new Error(`no fixture lease with status ${status}`);
  return record;
};

/** An EventBridge lease event around a detail. */
export const leaseEvent = (detail: unknown, detailType = 'LeaseFrozen'): LeaseEvent =>
  ({
    version: '0',
    id: '11111111-2222-4333-8444-555555555555',
    'detail-type': detailType,
    source: 'InnovationSandbox-ndx',
    account: '123456789012',
    time: '2026-11-25T10:00:00Z',
    region: 'eu-west-2',
    resources: [],
    detail,
  }) as LeaseEvent;
