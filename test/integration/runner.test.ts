import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createLeaseTable,
  LOCAL_CLIENT_CONFIG,
  type LocalDynamoDB,
  type LocalEngine,
  putLeases,
  startLocalDynamoDB,
} from '../../local/dynamodb.js';
import { InputFileError, parseEvents, parseLeases } from '../../local/events.js';
import { type FaultProxy, startFaultProxy } from '../../local/fault-proxy.js';
import { fixtureEvent, leaseEvents, leaseRecords } from '../support/lambda.js';
import { EMAIL_IN_CLEAR, START_TIMEOUT_MS, TARGET } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
// The runner's own engine follows the suite's; on AWS it runs on dynalite (it never needs a real table).
const ENGINE: LocalEngine = TARGET === 'dynamodb-local' ? 'dynamodb-local' : 'dynalite';
const RUN_TIMEOUT_MS = 60_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm start -- <args>`, as a separate Node process with its own environment. */
const runCli = (args: string[], env: Record<string, string> = {}): Promise<Run> => {
  const base = { ...process.env };
  // The caller's table and endpoint must not turn an embedded run into an external one.
  for (const name of ['LEASE_TABLE_NAME', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL']) delete base[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX, 'local/run.ts', ...args],
      { cwd: ROOT, env: { ...base, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env }, timeout: RUN_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
};

const NO_STACK_TRACE = /^\s+at .+[(:]\d+/m;

describe('the events file formats', () => {
  const [first, second] = leaseEvents;
  const one = JSON.stringify(first);
  const two = JSON.stringify(second);

  it.each([
    ['a JSON array', `[${one},\n${two}]`, 'a JSON array', 2],
    ['one event per line, blank lines and CRLF allowed', `${one}\r\n\r\n${two}\r\n`, 'one event per line', 2],
    ['a single pretty-printed event', JSON.stringify(first, null, 2), 'a single JSON event', 1],
    ['a byte-order mark', `\uFEFF[${one}]`, 'a JSON array', 1],
  ])('reads %s', (_title, text, format, count) => {
    const parsed = parseEvents(text);

    expect(parsed.format).toBe(format);
    expect(parsed.events).toHaveLength(count);
    expect(parsed.events[0]).toEqual(first);
  });

  it.each([
    ['an empty file', '  \n', 'is empty'],
    ['an empty array', '[]', 'holds no events'],
    ['a JSON string', '"ada.lovelace@example.gov.uk"', 'holds a string, not an event or an array of events'],
    ['an array with a number', `[${one}, 7]`, 'entry 2 is a number, not an EventBridge event object'],
    ['a broken array', `[${one},`, 'is not valid JSON'],
    ['a broken line', `${one}\n\nnot json at all\n`, 'line 3 is not valid JSON'],
    ['a line holding an array', `${one}\n[${two}]`, 'line 2 is an array, not an EventBridge event object'],
  ])('rejects %s', (_title, text, message) => {
    expect(() => parseEvents(text)).toThrow(InputFileError);
    expect(() => parseEvents(text)).toThrow(message);
  });

  it('never quotes the input in a JSON error, so no part of an address leaks', () => {
    const attempt = () => parseEvents(`${one}\nada.lovelace@example.gov.uk\n`);

    expect(attempt).toThrow('line 2 is not valid JSON');
    expect(attempt).not.toThrow(/lovela/);
  });
});

describe('the leases file', () => {
  const [first, second] = leaseRecords;
  const one = JSON.stringify(first);
  const two = JSON.stringify(second);

  it.each([
    ['a JSON array', `[${one},\n${two}]`, 'a JSON array', 2],
    ['one record per line', `${one}\n${two}\n`, 'one lease record per line', 2],
    ['a single record', JSON.stringify(first, null, 2), 'a single JSON lease record', 1],
  ])('reads %s, as an events file is read', (_title, text, format, count) => {
    const parsed = parseLeases(text);

    expect(parsed.format).toBe(format);
    expect(parsed.leases).toHaveLength(count);
    expect(parsed.leases[0]).toEqual(first);
  });

  const record = (fields: Record<string, unknown>) => JSON.stringify({ status: 'Active', ...fields });
  const ADA = 'ada.lovelace@example.gov.uk';

  it.each([
    ['a record without uuid', `[${one}, ${record({ userEmail: ADA })}]`, 'entry 2 has no lease key: its uuid is missing'],
    [
      'a uuid that is a number',
      `${one}\n${record({ userEmail: ADA, uuid: 7 })}`,
      'line 2 has no lease key: its uuid is a number, not a string',
    ],
    [
      'an empty userEmail',
      record({ userEmail: '', uuid: 'u-1' }),
      'holds one lease record that has no lease key: its userEmail is an empty string',
    ],
    [
      'a userEmail that is an object',
      `[${record({ userEmail: { address: ADA }, uuid: 'u-1' })}]`,
      'entry 1 has no lease key: its userEmail is an object, not a string',
    ],
    ['two records with one key', `[${one}, ${two}, ${one}]`, 'entry 3 has the same userEmail and uuid as entry 1'],
    ['an entry that is no object', `[${one}, "${ADA}"]`, 'entry 2 is a string, not a lease record object'],
    ['an empty array', '[]', 'holds no lease records'],
  ])('rejects %s, naming the entry and never the value', (_title, text, message) => {
    const attempt = () => parseLeases(text);

    expect(attempt).toThrow(InputFileError);
    expect(attempt).toThrow(message);
    expect(attempt).not.toThrow(/lovela|@/);
  });
});

describe(`npm start, on ${ENGINE}`, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lease-runner-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'replays the built-in scenarios: every path, a notification for each, no address in clear',
    async () => {
      const { code, stdout, stderr } = await runCli(['--engine', ENGINE]);

      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('Handler:  src/handlers/notification.ts (the module Lambda loads)');
      expect(stdout).toContain(
        `Table:    LeaseTable, created and seeded with ${leaseRecords.length + 1} leases: fixtures/lease-records.json, and 1 for the scenarios`,
      );
      expect(stdout).toMatch(
        /Events: {3}33 built-in: fixtures\/lease-events\.json, then 6 table faults staged by the fault proxy, a drifted record and a contradicted event/,
      );
      expect(stdout).toMatch(/^ *# {2}event +detail-type +outcome +consistency +ms +GetItem +fingerprint +facts +notes$/m);
      const row = (id: string) => stdout.split('\n').find((line) => line.includes(`5d2f3c4b-${id}`)) ?? '';
      expect(row('0001')).toMatch(/LeaseRequested +enriched +consistent .* 1 +[0-9a-f]{16} PendingApproval +requiresManualApproval true/);
      expect(row('0016')).toMatch(/BlueprintDeploymentRequest +enriched +- .* 1 +[0-9a-f]{16} Provisioning/);
      expect(row('0020')).toMatch(/LeaseApproved +not-found .* 1 +-/);
      expect(row('0021')).toMatch(
        /skipped: invalid-lease-key .* 0 +- +reason ManuallyFrozen, comment Manually frozen by \[email\] +detail\.leaseId\.uuid missing/,
      );
      expect(row('0022')).toMatch(/skipped: invalid-lease-key .*detail\.leaseId\.userEmail not-a-string \(number\)/);
      expect(row('0023')).toMatch(/skipped: invalid-lease-key .*detail missing/);
      expect(row('0101')).toMatch(
        /enriched +event-newer .* 2 +[0-9a-f]{16} Active +budgetThresholdTriggered 40, actionRequested ALERT.* +table throttles once/,
      );
      expect(row('0102')).toMatch(/failed: throttled .* 2 +- +reason BudgetExceeded.* +table throttles twice/);
      expect(row('0103')).toMatch(/failed: AccessDeniedException .* 1 /);
      // In a plain Node process the SDK's own name for a reset connection comes through.
      expect(row('0104')).toMatch(/failed: ECONNRESET .* 1 +- +reason ManuallyTerminated.* +connection dropped/);
      expect(row('0105')).toMatch(/failed: timeout +- +2\d{3}\.\d +1 /);
      expect(row('0106')).toMatch(
        /LeaseUnfrozen +enriched +consistent .* 1 +[0-9a-f]{16} Active +reason Manually unfrozen +a record from a newer ISB; schema drift: unknown-field, schema-version$/,
      );
      expect(stdout.split('\n').filter((line) => line.includes('schema drift'))).toHaveLength(1);
      // ISB's order: the alert before the scan's write, a stale replica read again, a record that contradicts its event.
      expect(row('0024')).toMatch(
        /LeaseBudgetThresholdAlert +enriched +event-newer .* 1 +[0-9a-f]{16} Active +budgetThresholdTriggered 50, actionRequested ALERT, totalSpend 52\.75/,
      );
      expect(row('0007')).toMatch(/LeaseExpired +enriched +superseded .* 2 +[0-9a-f]{16} Expired /);
      expect(row('0107')).toMatch(/LeaseFrozen +enriched +consistent .* 2 +[0-9a-f]{16} Frozen .*stale replica/);
      expect(row('0108')).toMatch(/LeaseDenied +enriched +conflict .* 2 +[0-9a-f]{16} PendingApproval +deniedBy \[email\] +a LeaseDenied/);
      expect(stdout).toContain(
        '33 events, 33 notifications: 25 enriched, 3 skipped: invalid-lease-key, 1 not-found, 1 failed: throttled, 1 failed: AccessDeniedException, 1 failed: ECONNRESET, 1 failed: timeout',
      );
      expect(stdout).toContain('13 distinct lease shapes');
      expect(stdout).not.toMatch(EMAIL_IN_CLEAR);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    '--json --verbose replays a file of one event per line, relative to where npm was run',
    async () => {
      const events = [fixtureEvent('0001'), fixtureEvent('0021')];
      await writeFile(join(dir, 'events.ndjson'), `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);

      // On dynalite whatever the suite's engine: this is about the flags, and one JVM start is enough.
      const { code, stdout, stderr } = await runCli(['--json', '--verbose', '--events', 'events.ndjson'], {
        INIT_CWD: dir,
      });

      expect(code).toBe(0);
      expect(stderr).toContain('Events:   2 from events.ndjson (one event per line)');
      const results = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(results).toHaveLength(2);
      expect(results[0]).toMatchObject({
        index: 1,
        eventId: fixtureEvent('0001').id,
        outcome: 'enriched',
        getItemAttempts: 1,
        schemaFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        leaseStatus: 'PendingApproval',
        notification: { enriched: true, lease: { status: 'PendingApproval' } },
        metrics: { LeaseEnriched: [1], EnrichmentQueryLatencyMs: [expect.any(Number)] },
      });
      expect(results[1]).toMatchObject({
        outcome: 'skipped: invalid-lease-key',
        keyProblems: ['detail.leaseId.uuid missing'],
        notification: { enriched: false },
      });
      // --verbose carries the handler's own log lines, which hold the event with its address masked.
      expect(JSON.stringify(results[0]?.logs)).toContain('[email]');
      expect(`${stdout}${stderr}`).not.toMatch(EMAIL_IN_CLEAR);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    '--leases seeds the embedded table with your records instead of the fixtures',
    async () => {
      const own = { ...leaseRecords.find((lease) => lease.status === 'Frozen')!, uuid: '0b6f5e4d-3c2b-4a19-8807-f6e5d4c3b2a1' };
      const other = { ...own, uuid: '1c7a6f5e-4d3c-4b2a-9918-a7f6e5d4c3b2', status: 'Active' };
      await writeFile(join(dir, 'my-leases.ndjson'), `${JSON.stringify(own)}\n${JSON.stringify(other)}\n`);
      const frozen = fixtureEvent('0005');
      const detail = { ...(frozen.detail as object), leaseId: { userEmail: own.userEmail, uuid: own.uuid } };
      const events = [{ ...frozen, detail }, fixtureEvent('0002')];
      await writeFile(join(dir, 'against-my-leases.json'), JSON.stringify(events));

      const { code, stdout, stderr } = await runCli(['--leases', 'my-leases.ndjson', '--events', 'against-my-leases.json'], {
        INIT_CWD: dir,
      });

      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('Table:    LeaseTable, created and seeded with 2 leases: my-leases.ndjson (one lease record per line)');
      const row = (index: number) =>
        stdout.split('\n').find((line) => line.startsWith(` ${index}  `) || line.startsWith(`${index}  `)) ?? '';
      // Your record is found; the fixture lease the second event names is not in the table any more.
      expect(row(1)).toMatch(/LeaseFrozen +enriched .* 1 +[0-9a-f]{16} Frozen/);
      expect(row(2)).toMatch(/LeaseApproved +not-found /);
      expect(stdout).toContain('2 events, 2 notifications: 1 enriched, 1 not-found');
      expect(stdout).not.toMatch(EMAIL_IN_CLEAR);
    },
    RUN_TIMEOUT_MS,
  );

  // Each of these is a separate process that exits at once: let them run side by side.
  it.concurrent.each([
    ['an unknown flag', ['--bogus'], "Unknown option '--bogus'"],
    ['a positional argument', ['events.json'], "Unexpected argument 'events.json'"],
    ['--events without a file', ['--events'], "Option '--events <value>' argument missing"],
    ['a missing file', ['--events', '/no/such/ada.lovelace@example.gov.uk.json'], 'cannot read events file [email]: no such file'],
    ['an unknown engine', ['--engine', 'cassandra'], "unknown engine 'cassandra': use dynalite or dynamodb-local"],
    ['a missing leases file', ['--leases', '/no/such/ada.lovelace@example.gov.uk.json'], 'cannot read leases file [email]: no such file'],
  ])(
    'exits 2 with a message, not a stack trace, on %s',
    async (_title, args, message) => {
      const { code, stdout, stderr } = await runCli(args);

      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`npm start: ${message}`);
      expect(stderr).toContain("Run 'npm start -- --help' for usage.");
      expect(stderr).not.toMatch(NO_STACK_TRACE);
      expect(stderr).not.toMatch(EMAIL_IN_CLEAR);
    },
    RUN_TIMEOUT_MS,
  );

  it.concurrent(
    'exits 2 on a leases file whose record has no lease key, naming the entry, not the value',
    async () => {
      const file = join(dir, 'keyless-leases.json');
      await writeFile(file, JSON.stringify([leaseRecords[0], { ...leaseRecords[1], uuid: undefined }]));

      const { code, stdout, stderr } = await runCli(['--leases', file]);

      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`npm start: leases file ${file} entry 2 has no lease key: its uuid is missing`);
      expect(stderr).not.toMatch(NO_STACK_TRACE);
      expect(stderr).not.toMatch(EMAIL_IN_CLEAR);
    },
    RUN_TIMEOUT_MS,
  );

  it.concurrent.each([
    ['an empty file', '', 'is empty'],
    ['invalid JSON', '{"detail": {"userEmail": "ada.lovelace@example.gov.uk"', 'is not valid JSON'],
  ])(
    'exits 2 on an events file with %s',
    async (_title, content, message) => {
      const file = join(dir, `bad-${message.length}.json`);
      await writeFile(file, content);

      const { code, stderr } = await runCli(['--events', file]);

      expect(code).toBe(2);
      expect(stderr).toContain(`npm start: events file ${file} ${message}`);
      expect(stderr).not.toMatch(NO_STACK_TRACE);
      expect(stderr).not.toMatch(EMAIL_IN_CLEAR);
    },
    RUN_TIMEOUT_MS,
  );

  it.concurrent(
    'prints its usage on --help',
    async () => {
      const { code, stdout } = await runCli(['--help']);

      expect(code).toBe(0);
      for (const flag of ['--events FILE', '--leases FILE', '--json', '--engine NAME', '--verbose', '--help', 'LEASE_TABLE_NAME']) {
        expect(stdout).toContain(flag);
      }
      expect(stdout).toMatch(/Exit status:\n {2}0 .*\n {2}1 .*lookups were sent to DynamoDB and not one was/);
    },
    RUN_TIMEOUT_MS,
  );

  it.concurrent(
    'refuses --engine when LEASE_TABLE_NAME names an external table',
    async () => {
      const { code, stderr } = await runCli(['--engine', 'dynalite'], { LEASE_TABLE_NAME: 'LeaseTable' });

      expect(code).toBe(2);
      expect(stderr).toContain('--engine chooses the embedded DynamoDB, but LEASE_TABLE_NAME is set');
    },
    RUN_TIMEOUT_MS,
  );

  it.concurrent(
    'refuses --leases when LEASE_TABLE_NAME names an external table, which it never writes to',
    async () => {
      const file = join(dir, 'refused-leases.json');
      await writeFile(file, JSON.stringify(leaseRecords));

      const { code, stdout, stderr } = await runCli(['--leases', file], { LEASE_TABLE_NAME: 'LeaseTable' });

      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(
        'npm start: --leases seeds the embedded table, but LEASE_TABLE_NAME is set: the runner reads that table and never writes to it',
      );
    },
    RUN_TIMEOUT_MS,
  );
});

describe(`npm start on an external table (LEASE_TABLE_NAME set), on ${ENGINE}`, () => {
  let db: LocalDynamoDB;
  let proxy: FaultProxy;
  let client: DynamoDBClient;
  let dir: string;

  beforeAll(async () => {
    db = await startLocalDynamoDB(ENGINE);
    client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: db.endpoint });
    await createLeaseTable(client, 'TeamLeases');
    await putLeases(client, 'TeamLeases', leaseRecords);
    // The proxy only watches: every request the runner sends shows up here.
    proxy = await startFaultProxy({ upstream: db.endpoint });
    dir = await mkdtemp(join(tmpdir(), 'lease-runner-'));
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    client?.destroy();
    await proxy?.close();
    await db?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'reads the table with GetItem only, and leaves it as it was',
    async () => {
      const file = join(dir, 'events.json');
      // LeaseApproved, LeaseDurationThresholdAlert, a lease no longer in the table, a bad key.
      await writeFile(
        file,
        JSON.stringify([fixtureEvent('0002'), fixtureEvent('0006'), fixtureEvent('0020'), fixtureEvent('0021')], null, 2),
      );

      const { code, stdout, stderr } = await runCli(['--events', file], {
        LEASE_TABLE_NAME: 'TeamLeases',
        AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
        AWS_REGION: LOCAL_CLIENT_CONFIG.region,
        AWS_ACCESS_KEY_ID: LOCAL_CLIENT_CONFIG.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CLIENT_CONFIG.credentials.secretAccessKey,
      });

      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(`DynamoDB: ${proxy.endpoint}`);
      expect(stdout).toContain("Table:    TeamLeases, read-only: the handler's GetItem is the only request sent");
      expect(stdout).toContain(`Events:   4 from ${file} (a JSON array)`);
      expect(stdout).toContain('4 events, 4 notifications: 2 enriched, 1 not-found, 1 skipped: invalid-lease-key');
      expect(proxy.requests.map((request) => request.operation)).toEqual(['GetItem', 'GetItem', 'GetItem']);
      const { Count } = await client.send(new ScanCommand({ TableName: 'TeamLeases', Select: 'COUNT' }));
      expect(Count).toBe(leaseRecords.length);
      expect(stdout).not.toMatch(EMAIL_IN_CLEAR);
    },
    RUN_TIMEOUT_MS,
  );

  const external = (tableName: string) => ({
    LEASE_TABLE_NAME: tableName,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_REGION: LOCAL_CLIENT_CONFIG.region,
    AWS_ACCESS_KEY_ID: LOCAL_CLIENT_CONFIG.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CLIENT_CONFIG.credentials.secretAccessKey,
  });

  it(
    'exits 1, saying why on its last line, when every lookup sent to the table failed',
    async () => {
      const file = join(dir, 'unanswered.json');
      // Two lookups, both to a table that is not there; a bad key, which never reaches the table.
      await writeFile(file, JSON.stringify([fixtureEvent('0002'), fixtureEvent('0006'), fixtureEvent('0021')]));

      const { code, stdout, stderr } = await runCli(['--events', file], external('TeamLeaseTable'));

      expect(stderr).toBe('');
      expect(code).toBe(1);
      expect(stdout).toContain('3 events, 3 notifications: 2 failed: ResourceNotFoundException, 1 skipped: invalid-lease-key');
      expect(stdout.trimEnd().split('\n').at(-1)).toBe(
        'None of the 2 lookups sent to DynamoDB was answered (2 failed: ResourceNotFoundException): ' +
          "check the table name, its region, and the credentials' dynamodb:GetItem (and kms:Decrypt) permissions",
      );
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'exits 0 when one lookup was answered, though others failed, and when no lookup was sent at all',
    async () => {
      const someAnswered = join(dir, 'some-answered.json');
      await writeFile(someAnswered, JSON.stringify([fixtureEvent('0002'), fixtureEvent('0020')]));
      const noneSent = join(dir, 'none-sent.json');
      await writeFile(noneSent, JSON.stringify([fixtureEvent('0021'), fixtureEvent('0022')]));
      // The first lookup is refused, the second (a lease not in the table) answered.
      proxy.inject('access-denied', { times: 1, operation: 'GetItem' });

      const answered = await runCli(['--events', someAnswered], external('TeamLeases'));
      const skipped = await runCli(['--events', noneSent], external('TeamLeases'));

      expect(answered.stdout).toContain('2 events, 2 notifications: 1 failed: AccessDeniedException, 1 not-found');
      expect(answered.code).toBe(0);
      expect(skipped.stdout).toContain('2 events, 2 notifications: 2 skipped: invalid-lease-key');
      expect(skipped.code).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );
});
