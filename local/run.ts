/**
 * `npm start`: runs the notification handler (the module Lambda loads) against a real DynamoDB and
 * prints what it made of each lease event. See docs/local-run.md.
 *
 * Embedded mode (default): starts dynalite in-process (or DynamoDB Local with `--engine`), creates and
 * seeds LeaseTable, and points the handler at it through the fault proxy, which stages the built-in
 * table faults. External mode (`LEASE_TABLE_NAME` set): reads that table and never writes to it.
 */

import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV, readEnv } from '../src/config.js';
import type { LeaseEvent, handler as notificationHandler } from '../src/handlers/notification.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from '../src/metric-names.js';
import { maskEmails } from '../src/observability.js';
import { captureStdio } from './capture.js';
import {
  createLeaseTable,
  LOCAL_CLIENT_CONFIG,
  type LocalDynamoDB,
  type LocalEngine,
  putLeases,
  type SeedItem,
  startLocalDynamoDB,
} from './dynamodb.js';
import { builtInScenarios, fixtureLeases, InputFileError, readEvents, readLeases, type Scenario } from './events.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { lambdaContext } from './lambda-context.js';
import {
  formatJson,
  formatOutput,
  formatSummary,
  formatTable,
  type ReplayResult,
  readEventFields,
  readInvocation,
  unansweredLookups,
} from './report.js';

const TABLE_NAME = 'LeaseTable';
const ENGINES: readonly LocalEngine[] = ['dynalite', 'dynamodb-local'];

const USAGE = `Usage: npm start -- [options]

Replays lease events through the notification handler against a real DynamoDB and prints,
for each event, the outcome of the lease enrichment.

Options:
  --events FILE     replay the EventBridge events in FILE (a JSON array, one JSON event,
                    or one event per line) instead of the built-in scenarios
  --leases FILE     seed the embedded table with the lease records in FILE (same formats;
                    each with userEmail and uuid) instead of fixtures/lease-records.json
  --json            print one JSON result per line, for scripts
  --engine NAME     embedded DynamoDB: dynalite (default, in-process) or dynamodb-local
                    (Amazon's DynamoDB Local, needs Java)
  --verbose, -v     also print the handler's own log lines (emails masked) and metrics
  --help, -h        print this help

Environment:
  LEASE_TABLE_NAME  read this table instead of the embedded one (read-only: GetItem only,
                    so no --leases), with AWS credentials from the usual places, or at
                    AWS_ENDPOINT_URL_DYNAMODB when set

Exit status:
  0  every event produced a notification, and some lookup DynamoDB answered
  1  the handler threw for an event; or lookups were sent to DynamoDB and not one was
     answered (every one failed: wrong table, region, credentials or permissions)
  2  a bad argument or file, or no AWS region or credentials for LEASE_TABLE_NAME

Details: docs/local-run.md`;

/** A problem with what the user asked for: message, exit 2, no stack trace. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** External mode without what the SDK needs to reach the table: message, exit 2, no usage. */
class ExternalTableError extends Error {
  override readonly name = 'ExternalTableError';
}

const firstLine = (error: unknown): string => String((error as Error)?.message ?? error).split('\n')[0] ?? '';

/**
 * Resolves the region and credentials the handler's client will use, as the SDK does, so that a
 * missing one is named once, before any event is replayed, instead of failing every row. Sends no
 * request to DynamoDB.
 */
const checkExternalTable = async (tableName: string): Promise<void> => {
  const client = new DynamoDBClient({});
  try {
    const region = await client.config.region().catch(() => undefined);
    if (!region) {
      const inArn = /^arn:[^:]+:dynamodb:([^:]+):/.exec(tableName)?.[1];
      throw new ExternalTableError(
        `no AWS region for the table in ${ENV.leaseTableName}: set AWS_REGION` +
          (inArn ? ` (the table's ARN says ${inArn})` : '') +
          ', or a region in the AWS profile you use',
      );
    }
    await client.config.credentials().catch((error: unknown) => {
      throw new ExternalTableError(
        `no AWS credentials for the table in ${ENV.leaseTableName} (${firstLine(error)}): ` +
          'set AWS_PROFILE (after `aws sso login` for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
        { cause: error },
      );
    });
  } finally {
    client.destroy();
  }
};

interface Options {
  readonly eventsPath?: string;
  readonly leasesPath?: string;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly engine?: LocalEngine;
  readonly help: boolean;
}

const ARGUMENTS = {
  options: {
    events: { type: 'string' },
    leases: { type: 'string' },
    json: { type: 'boolean', default: false },
    engine: { type: 'string' },
    verbose: { type: 'boolean', short: 'v', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
  allowPositionals: false,
} as const;

const parseOptions = (args: string[]): Options => {
  let values: ReturnType<typeof parseArgs<typeof ARGUMENTS>>['values'];
  try {
    ({ values } = parseArgs({ args, ...ARGUMENTS }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { engine } = values;
  if (engine !== undefined && !ENGINES.includes(engine as LocalEngine)) {
    throw new UsageError(`unknown engine '${engine}': use ${ENGINES.join(' or ')}`);
  }
  for (const flag of ['events', 'leases'] as const) {
    if (values[flag] !== undefined && values[flag].trim() === '') throw new UsageError(`--${flag} needs a file name`);
  }
  return {
    eventsPath: values.events,
    leasesPath: values.leases,
    json: values.json,
    verbose: values.verbose,
    engine: engine as LocalEngine | undefined,
    help: values.help,
  };
};

/** Where the handler's reads go, and what to tell the user about it. */
type Target =
  | {
      readonly mode: 'embedded';
      readonly db: LocalDynamoDB;
      readonly proxy: FaultProxy;
      readonly seeded: number;
      readonly extra: number;
      /** Where the leases came from: the fixtures file or the user's. */
      readonly leasesSource: string;
    }
  | { readonly mode: 'external'; readonly tableName: string; readonly endpoint: string };

/** The lease records to seed, read before anything starts, so that a bad file fails fast. */
interface Seed {
  readonly leases: readonly SeedItem[];
  readonly source: string;
}

const readSeed = async (leasesPath: string | undefined): Promise<Seed> => {
  if (leasesPath === undefined) return { leases: await fixtureLeases(), source: 'fixtures/lease-records.json' };
  const { leases, format } = await readLeases(fromUserDirectory(leasesPath));
  return { leases, source: maskEmails(`${leasesPath} (${format})`) };
};

const startEmbedded = async (engine: LocalEngine, scenarios: readonly Scenario[], seed: Seed): Promise<Target> => {
  const db = await startLocalDynamoDB(engine).catch((error: unknown) => {
    const hint =
      engine === 'dynamodb-local' ? ' (DynamoDB Local needs Java 17 or later on PATH; the default engine, dynalite, needs nothing)' : '';
    throw new Error(`could not start ${engine}: ${(error as Error).message}${hint}`, { cause: error });
  });
  let proxy: FaultProxy | undefined;
  try {
    proxy = await startFaultProxy({ upstream: db.endpoint });
    // Seeded through the proxy, which keeps each item's versions for the stale-replica scenario.
    const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: proxy.endpoint });
    const leases = [...seed.leases, ...scenarios.flatMap((scenario) => (scenario.seed ? [scenario.seed] : []))];
    const history = scenarios.flatMap((scenario) => scenario.history ?? []);
    try {
      await createLeaseTable(client, TABLE_NAME);
      if (history.length > 0) await putLeases(client, TABLE_NAME, history);
      await putLeases(client, TABLE_NAME, leases);
    } finally {
      client.destroy();
    }
    return { mode: 'embedded', db, proxy, seeded: leases.length, extra: leases.length - seed.leases.length, leasesSource: seed.source };
  } catch (error) {
    await proxy?.close();
    await db.stop();
    throw error;
  }
};

const stopTarget = async (target: Target | undefined): Promise<void> => {
  if (target?.mode !== 'embedded') return;
  await target.proxy.close();
  await target.db.stop();
};

/** The environment the handler module reads at load, as Lambda would set it. */
const prepareEnvironment = (target: Target, verbose: boolean): void => {
  const env = process.env;
  // --verbose shows the handler's log lines, the input/output logger's DEBUG lines among them.
  if (verbose) env[ENV.logLevel] ??= 'DEBUG';
  env[ENV.serviceName] ??= DEFAULT_SERVICE_NAME;
  env[ENV.metricsNamespace] ??= DEFAULT_METRICS_NAMESPACE;
  // What Lambda sets for an on-demand function; without it Powertools never reports a cold start.
  env.AWS_LAMBDA_INITIALIZATION_TYPE ??= 'on-demand';
  if (target.mode === 'external') return;
  env[ENV.leaseTableName] = TABLE_NAME;
  env.AWS_ENDPOINT_URL_DYNAMODB = target.proxy.endpoint;
  env.AWS_REGION = LOCAL_CLIENT_CONFIG.region;
  env.AWS_ACCESS_KEY_ID = LOCAL_CLIENT_CONFIG.credentials.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = LOCAL_CLIENT_CONFIG.credentials.secretAccessKey;
  // Any of these would send the embedded run's requests, or its credential look-ups, elsewhere.
  for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) delete env[name];
};

type Handler = typeof notificationHandler;

const replay = async (handler: Handler, scenario: Scenario, index: number, proxy?: FaultProxy): Promise<ReplayResult> => {
  if (scenario.fault && proxy) proxy.inject(scenario.fault.kind, { times: scenario.fault.times, operation: 'GetItem' });
  // The handler's context type includes what its middlewares add; Lambda passes the plain one.
  const context = lambdaContext() as Parameters<Handler>[1];
  const started = performance.now();
  const captured = await captureStdio(() => handler(scenario.event as unknown as LeaseEvent, context));
  const latencyMs = performance.now() - started;
  // A fault the handler did not consume (it made fewer requests) must not leak into the next event.
  if (scenario.fault && proxy) proxy.reset();
  const base = {
    index,
    ...readEventFields(scenario.event),
    latencyMs,
    note: scenario.note,
    output: captured.lines,
    ...readInvocation(captured.lines),
  };
  if (captured.ok) return { ...base, notification: captured.value };
  const error = captured.error as Error;
  return { ...base, error: { name: String(error?.name ?? 'Error'), message: maskEmails(String(error?.message ?? error)) } };
};

/** A path as the user typed it, from the directory they ran npm in. */
const fromUserDirectory = (path: string): string => resolve(process.env.INIT_CWD ?? process.cwd(), path);

const describeEvents = async (options: Options, external: boolean): Promise<{ scenarios: Scenario[]; source: string }> => {
  if (options.eventsPath !== undefined) {
    const { events, format } = await readEvents(fromUserDirectory(options.eventsPath));
    return {
      scenarios: events.map((event) => ({ event })),
      source: maskEmails(`${events.length} from ${options.eventsPath} (${format})`),
    };
  }
  const scenarios = await builtInScenarios({ withFaults: !external });
  const faults = scenarios.filter((scenario) => scenario.fault).length;
  return {
    scenarios,
    source: external
      ? `${scenarios.length} built-in (fixtures/lease-events.json); the table-fault scenarios need the embedded table and are left out`
      : `${scenarios.length} built-in: fixtures/lease-events.json, then ${faults} table faults staged by the fault proxy, a drifted record and a contradicted event`,
  };
};

const run = async (args: string[]): Promise<number> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = parseOptions(args);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const externalTable = readEnv(ENV.leaseTableName);
  if (externalTable && options.engine) {
    throw new UsageError(`--engine chooses the embedded DynamoDB, but ${ENV.leaseTableName} is set: the runner reads that table instead`);
  }
  if (externalTable && options.leasesPath !== undefined) {
    throw new UsageError(
      `--leases seeds the embedded table, but ${ENV.leaseTableName} is set: the runner reads that table and never writes to it`,
    );
  }
  // Read the files before starting anything, so that a bad one fails fast.
  const { scenarios, source } = await describeEvents(options, externalTable !== undefined);
  const seed = externalTable ? undefined : await readSeed(options.leasesPath);
  // In --json mode stdout carries results only; the rest goes to stderr.
  const info = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);

  let target: Target | undefined;
  const interrupted = () => {
    void stopTarget(target).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const ignoredEndpoint = !externalTable && readEnv('AWS_ENDPOINT_URL_DYNAMODB');
    if (externalTable) await checkExternalTable(externalTable);
    target = externalTable
      ? {
          mode: 'external',
          tableName: externalTable,
          endpoint:
            readEnv('AWS_ENDPOINT_URL_DYNAMODB') ??
            readEnv('AWS_ENDPOINT_URL') ??
            `AWS DynamoDB in ${readEnv('AWS_REGION') ?? 'the region of your AWS configuration'}`,
        }
      : await startEmbedded(options.engine ?? 'dynalite', scenarios, seed as Seed);
    prepareEnvironment(target, options.verbose);
    // Imported only now: the module creates its client and reads its table name at load, from the env.
    const { handler } = await import('../src/handlers/notification.js');

    info('Handler:  src/handlers/notification.ts (the module Lambda loads)');
    if (target.mode === 'embedded') {
      const engine = target.db.engine === 'dynalite' ? 'dynalite (in-process)' : "Amazon's DynamoDB Local (Java)";
      info(`DynamoDB: ${engine} at ${target.db.endpoint}, through the fault proxy at ${target.proxy.endpoint}`);
      const extra = target.extra > 0 ? `, and ${target.extra} for the scenarios` : '';
      info(
        `Table:    ${TABLE_NAME}, created and seeded with ${target.seeded === 1 ? '1 lease' : `${target.seeded} leases`}: ${target.leasesSource}${extra}`,
      );
      if (ignoredEndpoint) info(`Note:     AWS_ENDPOINT_URL_DYNAMODB is ignored; set ${ENV.leaseTableName} to read an external table`);
    } else {
      info(`DynamoDB: ${maskEmails(target.endpoint)}`);
      info(`Table:    ${maskEmails(target.tableName)}, read-only: the handler's GetItem is the only request sent`);
    }
    info(`Events:   ${source}`);
    info('');

    const proxy = target.mode === 'embedded' ? target.proxy : undefined;
    const results: ReplayResult[] = [];
    for (const [position, scenario] of scenarios.entries()) {
      const result = await replay(handler, scenario, position + 1, proxy);
      // The handler's own lines are kept only to be printed: a long replay need not hold them all.
      results.push(options.verbose ? result : { ...result, output: [] });
      if (options.json) process.stdout.write(`${formatJson(result, options.verbose)}\n`);
    }

    if (!options.json) {
      info(formatTable(results).join('\n'));
      info('');
    }
    info(formatSummary(results));
    if (options.verbose && !options.json) {
      for (const result of results) {
        info('');
        info(`#${result.index} handler output:`);
        info(formatOutput(result).join('\n'));
      }
    }
    // ── The sender path: notifications → destination records → sender → local SES (local/sender-path.ts). ──
    if (target.mode === 'embedded') {
      const notified = results.flatMap(({ index, notification }) =>
        notification ? [{ event: scenarios[index - 1]?.event, notification }] : [],
      );
      // Imported only now: --help and usage errors need none of the sender's modules.
      const { keepSesOpen, runSenderPath } = await import('./sender-path.js');
      const { formatDeliveries } = await import('./report.js');
      const ses = await (await import('./ses.js')).startLocalSes();
      try {
        const delivery = await runSenderPath(notified, { dynamodbEndpoint: target.db.endpoint, ses });
        info('');
        info(formatDeliveries(delivery, keepSesOpen()).join('\n'));
        if (keepSesOpen()) await new Promise((resolve) => process.once('SIGINT', resolve));
      } finally {
        await ses.stop();
      }
    }
    // ── end of the sender path ──
    const threw = results.filter((result) => !result.notification);
    if (threw.length > 0) {
      info(`${threw.length} events produced no notification: the handler threw (see the outcome column)`);
      return 1;
    }
    const unanswered = unansweredLookups(results);
    if (unanswered) {
      info(`${unanswered}: check the table name, its region, and the credentials' dynamodb:GetItem (and kms:Decrypt) permissions`);
      return 1;
    }
    return 0;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await stopTarget(target);
  }
};

const fail = (error: unknown): number => {
  const usage = error instanceof UsageError || error instanceof InputFileError;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`npm start: ${maskEmails(message)}\n`);
  if (usage) process.stderr.write("Run 'npm start -- --help' for usage.\n");
  return usage || error instanceof ExternalTableError ? 2 : 1;
};

// A reader that goes away early (`| head`) ends the run quietly, not with an EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await run(process.argv.slice(2)).catch(fail);
