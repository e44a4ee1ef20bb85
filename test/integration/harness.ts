/**
 * What the integration suite runs against, chosen from the environment:
 * - `LEASE_TEST_DYNAMODB=dynalite` (the default): dynalite in-process, seeded with the fixture leases;
 * - `LEASE_TEST_DYNAMODB=dynamodb-local`: Amazon's DynamoDB Local on the machine's Java, seeded too;
 * - `LEASE_TEST_DYNAMODB=aws`, or `LEASE_TABLE_NAME` set without `LEASE_TEST_DYNAMODB`: a real table,
 *   read-only. The suite never writes to it: it reads the lease named by `LEASE_TEST_USER_EMAIL` and
 *   `LEASE_TEST_LEASE_UUID`, which must exist, and random uuids that must not.
 *
 * This module must not load src/handlers/notification.ts: the AC6 test loads that module itself,
 * after setting the environment it reads at load (handlers built from it live in ./handlers.ts).
 */

import { randomUUID } from 'node:crypto';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { describe, it } from '@jest/globals';
import { createLeaseTable, LOCAL_CLIENT_CONFIG, type LocalEngine, putLeases, startLocalDynamoDB } from '../../local/dynamodb.js';
import type { LeaseEvent } from '../../src/handlers/notification.js';
import type { Lease, LeaseKey } from '../../src/lease.js';
import { leaseEvent, leaseRecords } from '../support/lambda.js';

export type TargetKind = LocalEngine | 'aws';

const KINDS: readonly TargetKind[] = ['dynalite', 'dynamodb-local', 'aws'];

/** The target the environment asks for. Read at collection time, so that skips show in the report. */
export const targetKind = (env: NodeJS.ProcessEnv = process.env): TargetKind => {
  const asked = env.LEASE_TEST_DYNAMODB?.trim();
  if (asked) {
    if (!KINDS.includes(asked as TargetKind)) {
      throw new Error(`LEASE_TEST_DYNAMODB=${asked} is not one of ${KINDS.join(', ')}`);
    }
    return asked as TargetKind;
  }
  return env.LEASE_TABLE_NAME?.trim() ? 'aws' : 'dynalite';
};

export const TARGET: TargetKind = targetKind();

/** Whether the suite runs on a local engine, where the fault proxy can sit in front of it. */
export const ON_LOCAL_ENGINE = TARGET !== 'aws';

/** Why proxy-based tests cannot run on AWS. */
export const NO_PROXY_ON_AWS =
  'the fault proxy forwards plain HTTP to a local engine; in front of AWS it would break TLS and SigV4, which signs the Host header';

/** Why tests of the fixture leases cannot run on AWS. */
export const NO_FIXTURES_ON_AWS = 'they need the fixture leases, and the suite never writes to a real table';

/** How long starting a target may take: a JVM for DynamoDB Local, a first TLS handshake for AWS. */
export const START_TIMEOUT_MS = 60_000;

/**
 * `describe` on a local engine; on AWS a visibly skipped `describe` whose title says why, plus a
 * console warning, so that a green AWS run cannot be mistaken for a full one.
 */
export const describeOnLocalEngine = (title: string, whyNotOnAws: string, body: () => void): void => {
  if (ON_LOCAL_ENGINE) {
    describe(title, body);
    return;
  }
  console.warn(`Skipped on AWS: "${title}": ${whyNotOnAws}`);
  describe.skip(`${title} [skipped on AWS: ${whyNotOnAws}]`, body);
};

/** Which target is missing, stated as a skipped test, so a local run says what it did not cover. */
export const declareUncoveredTargets = (): void => {
  if (TARGET === 'aws') return;
  it.skip(`on a real AWS table [not run: set LEASE_TABLE_NAME, LEASE_TEST_USER_EMAIL, LEASE_TEST_LEASE_UUID, AWS_REGION and credentials; see docs/local-run.md]`, () =>
    undefined);
};

export interface IntegrationTarget {
  readonly kind: TargetKind;
  /** For test titles and messages. */
  readonly description: string;
  readonly tableName: string;
  /** The engine's own endpoint on a local engine; on AWS the SDK finds it. */
  readonly endpoint: string | undefined;
  /** Region and credentials for this target's clients: the local dummies, or the SDK's own chain on AWS. */
  readonly clientConfig: DynamoDBClientConfig;
  /** A lease the table holds. */
  readonly knownLease: LeaseKey;
  /** The leases the suite seeded; none on AWS. */
  readonly seeded: readonly Lease[];
  stop(): Promise<void>;
}

const requireEnv = (name: string): string => {
  const value = process.env[name]?.trim();
  if (!value) {
    throw new Error(
      `The integration suite targets a real AWS table (LEASE_TABLE_NAME is set or LEASE_TEST_DYNAMODB=aws), so it needs ${name}. See docs/local-run.md, or unset LEASE_TABLE_NAME to run on dynalite.`,
    );
  }
  return value;
};

const startAwsTarget = (): IntegrationTarget => {
  const tableName = requireEnv('LEASE_TABLE_NAME');
  const knownLease = { userEmail: requireEnv('LEASE_TEST_USER_EMAIL'), uuid: requireEnv('LEASE_TEST_LEASE_UUID') };
  requireEnv('AWS_REGION');
  // test/support/setup.ts fills in dummy keys when none are set; they would hide a profile or SSO login.
  if (process.env.AWS_ACCESS_KEY_ID === 'test' && process.env.AWS_SECRET_ACCESS_KEY === 'test') {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
  }
  return {
    kind: 'aws',
    description: `the real AWS table ${tableName}`,
    tableName,
    endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB?.trim() || undefined,
    clientConfig: {},
    knownLease,
    seeded: [],
    stop: async () => undefined,
  };
};

/**
 * Starts the target the environment asks for. On a local engine: a fresh server with LeaseTable
 * seeded from fixtures/lease-records.json; call `stop()` when done.
 */
export const startTarget = async (): Promise<IntegrationTarget> => {
  if (TARGET === 'aws') return startAwsTarget();
  const db = await startLocalDynamoDB(TARGET);
  const tableName = 'LeaseTable';
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: db.endpoint });
  try {
    await createLeaseTable(client, tableName);
    await putLeases(client, tableName, leaseRecords);
  } catch (error) {
    await db.stop();
    throw error;
  } finally {
    client.destroy();
  }
  const known = leaseRecords.find((record) => record.status === 'Active') ?? leaseRecords[0];
  if (!known) throw new Error('fixtures/lease-records.json holds no leases');
  return {
    kind: TARGET,
    description: TARGET === 'dynalite' ? 'dynalite' : "Amazon's DynamoDB Local",
    tableName,
    endpoint: db.endpoint,
    clientConfig: LOCAL_CLIENT_CONFIG,
    knownLease: { userEmail: known.userEmail, uuid: known.uuid },
    seeded: leaseRecords,
    stop: () => db.stop(),
  };
};

/** A key the table does not hold: the known lease's holder, a fresh uuid. */
export const unknownKey = (target: IntegrationTarget): LeaseKey => ({
  userEmail: target.knownLease.userEmail,
  uuid: randomUUID(),
});

/**
 * A LeaseUnfrozen event naming `key` the way Innovation Sandbox does (`detail.leaseId`): ISB publishes
 * it with the lease Active, as the known lease is, so its lookup needs no consistent re-read.
 */
export const eventFor = (key: LeaseKey, detailType = 'LeaseUnfrozen'): LeaseEvent =>
  leaseEvent({ leaseId: { userEmail: key.userEmail, uuid: key.uuid }, accountId: '111122223333', reason: 'Manually unfrozen' }, detailType);

const ENDED = new Set(['Expired', 'BudgetExceeded', 'ManuallyTerminated', 'AccountQuarantined', 'Ejected', 'ProvisioningFailed']);

/**
 * An event ISB publishes while a lease has `record`'s status, naming that lease: what a lookup of it
 * meets in production, with no consistent re-read.
 */
export const eventFitting = (record: { userEmail: unknown; uuid: unknown; status?: unknown }): LeaseEvent => {
  const key = { userEmail: String(record.userEmail), uuid: String(record.uuid) };
  const status = String(record.status);
  if (ENDED.has(status)) {
    return leaseEvent(
      { leaseId: key, accountId: '111122223333', reason: { type: status, comment: 'Terminated by admin' } },
      'LeaseTerminated',
    );
  }
  const detailType =
    {
      PendingApproval: 'LeaseRequested',
      ApprovalDenied: 'LeaseDenied',
      Frozen: 'LeaseFrozen',
      Provisioning: 'BlueprintDeploymentSucceeded',
    }[status] ?? 'LeaseUnfrozen';
  return detailType === 'LeaseDenied' ? leaseEvent({ leaseId: key.uuid, userEmail: key.userEmail }, detailType) : eventFor(key, detailType);
};

/** Nearest-rank percentile of `values`. */
export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

/** Something shaped like an email address, for "never in clear" assertions. */
export const EMAIL_IN_CLEAR = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
