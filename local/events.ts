/**
 * The events the local runner replays: the built-in scenarios (the fixture events plus a few table
 * faults) or the user's own EventBridge events from a file; and the lease records it seeds its
 * embedded table with: the fixtures, or the user's own from a file.
 */
import { readFile } from 'node:fs/promises';
import type { SeedItem } from './dynamodb.js';
import type { FaultKind } from './fault-proxy.js';
import { type FileKind, InputFileError, type ObjectsFile, parseObjects, readObjects, typeName } from './json-file.js';

export { InputFileError };

/** One event to replay, and what the built-in scenarios arrange around it. */
export interface Scenario {
  /** The EventBridge event, as read: the handler reads it defensively. */
  readonly event: Record<string, unknown>;
  /** What the scenario shows, for the table. */
  readonly note?: string;
  /** What the fault proxy answers this event's lookups with, before passing through again. */
  readonly fault?: { readonly kind: FaultKind; readonly times: number };
  /** A record the embedded table must hold for this scenario, beyond the fixture leases. */
  readonly seed?: SeedItem;
  /**
   * Earlier versions of a fixture lease, written through the fault proxy before the fixtures, so that
   * it can answer a `stale-read` with the version before the current one.
   */
  readonly history?: readonly SeedItem[];
}

/** Events read from a file, and how the file was laid out. */
export interface EventsFile {
  readonly events: Record<string, unknown>[];
  readonly format: string;
}

/** Lease records read from a file, and how the file was laid out. */
export interface LeasesFile {
  readonly leases: SeedItem[];
  readonly format: string;
}

export const EVENTS_FILE: FileKind = {
  file: 'events file',
  item: 'event',
  items: 'events',
  anItem: 'an event',
  object: 'an EventBridge event object',
};

export const LEASES_FILE: FileKind = {
  file: 'leases file',
  item: 'lease record',
  items: 'lease records',
  anItem: 'a lease record',
  object: 'a lease record object',
};

/** Parses the text of an events file: a JSON array of events, one JSON event, or one event per line. */
export const parseEvents = (text: string): EventsFile => {
  const { items, format } = parseObjects(text, EVENTS_FILE);
  return { events: items, format };
};

/**
 * Reads an events file for the runner. Every problem becomes an {@link InputFileError} whose message
 * names the file and the problem, with any email address masked.
 *
 * @example
 * const { events, format } = await readEvents('./my-events.ndjson');
 */
export const readEvents = async (path: string): Promise<EventsFile> => {
  const { items, format } = await readObjects(path, EVENTS_FILE);
  return { events: items, format };
};

/** What is wrong with a key field of a lease record, named by its type, never its value. */
const keyFieldProblem = (value: unknown): string | undefined => {
  if (value === undefined) return 'is missing';
  if (typeof value !== 'string') return `is ${typeName(value)}, not a string`;
  return value === '' ? 'is an empty string' : undefined;
};

/**
 * Refuses lease records the LeaseTable cannot hold: each needs its key, `userEmail` and `uuid`, as
 * non-empty strings, and no two may share a key (DynamoDB refuses a batch that holds both).
 */
const checkLeaseKeys = ({ items, where }: ObjectsFile): void => {
  const seen = new Map<string, number>();
  items.forEach((record, index) => {
    for (const field of ['userEmail', 'uuid'] as const) {
      const problem = keyFieldProblem(record[field]);
      if (problem) throw new InputFileError(`${where(index)} has no lease key: its ${field} ${problem}`);
    }
    const key = JSON.stringify([record.userEmail, record.uuid]);
    const first = seen.get(key);
    if (first !== undefined) throw new InputFileError(`${where(index)} has the same userEmail and uuid as ${where(first)}`);
    seen.set(key, index);
  });
};

/** Parses the text of a leases file: the formats of an events file, each record with its key. */
export const parseLeases = (text: string): LeasesFile => {
  const file = parseObjects(text, LEASES_FILE);
  checkLeaseKeys(file);
  return { leases: file.items as SeedItem[], format: file.format };
};

/**
 * Reads a leases file for the runner's embedded table, checked as {@link parseLeases} checks it.
 *
 * @example
 * const { leases, format } = await readLeases('./my-leases.json');
 */
export const readLeases = async (path: string): Promise<LeasesFile> => {
  const { items, format } = await readObjects(path, LEASES_FILE, checkLeaseKeys);
  return { leases: items as SeedItem[], format };
};

const fixture = async <T>(name: string): Promise<T> =>
  JSON.parse(await readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;

/** The realistic lease events shipped with the project, including those that must degrade. */
export const fixtureEvents = (): Promise<Record<string, unknown>[]> => fixture('lease-events.json');

/** The realistic LeaseTable items shipped with the project: every ISB status, in several variants. */
export const fixtureLeases = (): Promise<SeedItem[]> => fixture('lease-records.json');

/** A fixture event under a new id and time, as EventBridge would deliver a later event of the same kind. */
const later = (base: Record<string, unknown> | undefined, id: string, time: string): Record<string, unknown> => {
  if (!base) throw new Error('fixtures/lease-events.json has fewer events than the built-in scenarios expect');
  return { ...base, id, time };
};

/**
 * A lease as a newer ISB might write it: schema version 4 and a field ISB v1.2.14 does not have. Not a
 * fixture (the fixtures are what ISB really writes); the runner seeds it to show drift detection.
 */
const NEWER_ISB_LEASE = (base: SeedItem | undefined): SeedItem => {
  if (!base) throw new Error('fixtures/lease-records.json has no Active lease for the drift scenario');
  return {
    ...base,
    uuid: 'f0e1d2c3-b4a5-4968-8776-a5b4c3d2e1f0',
    budgetCurrency: 'GBP',
    meta: { schemaVersion: 4, createdTime: '2026-11-25T10:20:00.000Z', lastEditTime: '2026-11-25T10:20:00.000Z' },
  };
};

/**
 * The runner's built-in scenarios: every fixture event as it is, then what only the embedded table
 * can stage. The fault proxy answers some lookups with faults: a throttle that the retry absorbs, one
 * that it does not, a denied read, a dropped connection, a table that never answers (the 2 s
 * budget), and a stale replica (the record before ISB's write, read again consistently). One lease
 * is written as a newer ISB might write it, which the report calls drift; one event is contradicted
 * by its lease's record, a consistency conflict.
 */
export const builtInScenarios = async ({ withFaults }: { withFaults: boolean }): Promise<Scenario[]> => {
  const events = await fixtureEvents();
  const scenarios: Scenario[] = events.map((event) => ({ event }));
  if (!withFaults) return scenarios;
  const byId = (suffix: string) => events.find((event) => String(event.id).startsWith(`5d2f3c4b-${suffix}`));
  const newer = NEWER_ISB_LEASE((await fixtureLeases()).find((lease) => lease.status === 'Active'));
  const unfrozen = later(byId('0009'), '5d2f3c4b-0106-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:31:00Z');
  const leases = await fixtureLeases();
  const frozen = leases.find((lease) => lease.status === 'Frozen');
  const pending = leases.find((lease) => lease.status === 'PendingApproval');
  if (!frozen || !pending) throw new Error('fixtures/lease-records.json lacks a Frozen or a PendingApproval lease');
  const denied = later(byId('0008'), '5d2f3c4b-0108-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:33:00Z');
  return [
    ...scenarios,
    {
      event: later(byId('0003'), '5d2f3c4b-0101-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:26:00Z'),
      note: 'table throttles once: retried after 500 ms',
      fault: { kind: 'throttle', times: 1 },
    },
    {
      event: later(byId('0005'), '5d2f3c4b-0102-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:27:00Z'),
      note: 'table throttles twice: no lease context',
      fault: { kind: 'throttle', times: 2 },
    },
    {
      event: later(byId('0007'), '5d2f3c4b-0103-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:28:00Z'),
      note: 'IAM denies GetItem: not retried',
      fault: { kind: 'access-denied', times: 1 },
    },
    {
      event: later(byId('0011'), '5d2f3c4b-0104-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:29:00Z'),
      note: 'connection dropped: not retried',
      fault: { kind: 'drop', times: 1 },
    },
    {
      event: later(byId('0002'), '5d2f3c4b-0105-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:30:00Z'),
      note: 'table never answers: 2 s budget',
      fault: { kind: 'hang', times: 1 },
    },
    {
      event: { ...unfrozen, detail: { ...(unfrozen.detail as object), leaseId: { userEmail: newer.userEmail, uuid: newer.uuid } } },
      note: 'a record from a newer ISB',
      seed: newer,
    },
    {
      // ISB froze the lease, then published; a replica that has not seen the freeze yet answers first.
      event: later(byId('0005'), '5d2f3c4b-0107-4a1e-9b3c-6e7f8a9b0c1d', '2026-11-25T10:32:00Z'),
      note: 'stale replica: the record before the freeze; read again, consistently',
      fault: { kind: 'stale-read', times: 1 },
      history: [{ ...frozen, status: 'Active', meta: { schemaVersion: 3, lastEditTime: '2026-11-24T09:00:00.000Z' } }],
    },
    {
      event: { ...denied, detail: { ...(denied.detail as object), leaseId: pending.uuid, userEmail: pending.userEmail } },
      note: 'a LeaseDenied whose lease is still pending: ISB cannot explain it',
    },
  ];
};
