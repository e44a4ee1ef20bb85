/**
 * What the local runner makes of one replayed event, and how it prints it: a table for people, one
 * JSON object per line for scripts. Everything echoed from the input has its email addresses masked.
 */
import type { LeaseNotification } from '../src/handlers/notification.js';
import { EnrichmentMetric } from '../src/metric-names.js';
import type { LeaseKeyProblem } from '../src/middleware/types.js';
import { maskEmails, maskEmailsReplacer } from '../src/observability.js';
import { type CapturedLine, emfMetrics, logLines } from './capture.js';
import type { SenderPathResult } from './sender-path.js';

/** One event replayed through the handler, and what the handler said about it. */
export interface ReplayResult {
  /** Position in the replay, from 1. */
  readonly index: number;
  readonly eventId: string | null;
  readonly detailType: string | null;
  /** Wall time of the whole invocation, middlewares included. */
  readonly latencyMs: number;
  /** The handler's answer, when it gave one. */
  readonly notification?: LeaseNotification;
  /** What the handler threw instead, name and masked message only. */
  readonly error?: { readonly name: string; readonly message: string };
  /** The latency of each GetItem attempt, from the handler's `EnrichmentQueryLatencyMs` metric. */
  readonly queryLatencyMs: readonly number[];
  /** From the metadata of the handler's EMF document, for a fetched lease. */
  readonly schemaFingerprint?: string;
  readonly leaseStatus?: string;
  /** The lease key problems from the handler's WARN line, as `field problem`. */
  readonly keyProblems: readonly string[];
  /** Whether the handler reported the lease as schema drift (its `LeaseSchemaDrift` metric). */
  readonly schemaDrift: boolean;
  /** The drift kinds of the handler's drift WARN line, written once per fingerprint and findings. */
  readonly driftKinds: readonly string[];
  /** What the built-in scenario stages, if it is one. */
  readonly note?: string;
  /** The metrics of the invocation's EMF documents. */
  readonly metrics: Record<string, number[]>;
  /** Every line the handler wrote during the invocation. */
  readonly output: readonly CapturedLine[];
}

/** Milliseconds to two decimals, as the runner prints them. */
const hundredths = (ms: number): number => Math.round(ms * 100) / 100;

const stringOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const describeProblem = ({ field, problem, got, limitBytes }: LeaseKeyProblem): string =>
  [field, problem, got ? `(${got})` : '', limitBytes ? `(limit ${limitBytes} bytes)` : ''].filter(Boolean).join(' ');

/** Reads what the runner reports out of an invocation's captured output. */
export const readInvocation = (
  lines: readonly CapturedLine[],
): Pick<
  ReplayResult,
  'queryLatencyMs' | 'schemaFingerprint' | 'leaseStatus' | 'keyProblems' | 'schemaDrift' | 'driftKinds' | 'metrics'
> => {
  const logs = logLines(lines);
  const report = lines.find(({ json }) => json && '_aws' in json && 'enrichment' in json)?.json ?? {};
  const problems = logs.flatMap((line) =>
    line.reason === 'invalid-lease-key' && Array.isArray(line.problems) ? (line.problems as LeaseKeyProblem[]) : [],
  );
  const driftKinds = logs.flatMap((line) =>
    Array.isArray(line.drift) ? line.drift.flatMap((item: { kind?: unknown }) => (typeof item?.kind === 'string' ? [item.kind] : [])) : [],
  );
  const metrics = emfMetrics(lines);
  return {
    queryLatencyMs: (metrics[EnrichmentMetric.QueryLatency] ?? []).map(hundredths),
    schemaFingerprint: stringOf(report.schemaFingerprint) ?? undefined,
    leaseStatus: stringOf(report.leaseStatus) ?? undefined,
    keyProblems: problems.map(describeProblem),
    schemaDrift: (metrics[EnrichmentMetric.SchemaDrift] ?? []).some((value) => value > 0),
    driftKinds,
    metrics,
  };
};

/** `enriched`, `not-found`, `skipped: <reason>`, `failed: <reason>`, or `threw: <error>`. */
export const outcomeOf = (result: ReplayResult): string => {
  if (!result.notification) return `threw: ${result.error?.name ?? 'unknown'}`;
  const { enrichment } = result.notification;
  return 'reason' in enrichment ? `${enrichment.status}: ${enrichment.reason}` : enrichment.status;
};

/** The facts that matter per detail-type, in a table cell: thresholds, actions, spend, reason. */
const SHOWN_FACTS = [
  'requiresManualApproval',
  'budgetThresholdTriggered',
  'triggeredBudgetThreshold',
  'triggeredDurationThreshold',
  'actionRequested',
  'totalSpend',
  'budget',
  'leaseExpirationDate',
  'blueprintName',
  'approvedBy',
  'deniedBy',
  'comment',
] as const;

/** `reason BudgetExceeded, triggeredBudgetThreshold 190, totalSpend 191.02`, for a notification's facts. */
export const factsOf = (facts: object | undefined): string => {
  const { reason, ...rest } = (facts ?? {}) as Record<string, unknown>;
  const nested = typeof reason === 'object' && reason !== null ? (reason as Record<string, unknown>) : {};
  const parts = reason === undefined ? [] : [`reason ${typeof reason === 'string' ? reason : String(nested.type)}`];
  for (const name of SHOWN_FACTS) {
    const value = rest[name] ?? nested[name];
    if (value !== undefined) parts.push(`${name} ${String(value)}`);
  }
  return parts.join(', ');
};

/** Printable: emails masked, control characters replaced, cut to `width`. */
const cell = (value: string, width = Infinity): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
  const text = maskEmails(value).replace(/[\u0000-\u001f\u007f]/g, '?');
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
};

/** The shortest id prefix (at least 8 characters) that still tells the events apart. */
const idWidth = (ids: readonly string[]): number => {
  const distinct = [...new Set(ids)];
  const longest = Math.max(8, ...distinct.map((id) => id.length));
  for (let width = 8; width < longest; width += 1) {
    if (new Set(distinct.map((id) => id.slice(0, width))).size === distinct.length) return width;
  }
  return Math.min(longest, 36);
};

const driftNote = ({ schemaDrift, driftKinds }: ReplayResult): string | undefined =>
  schemaDrift ? `schema drift${driftKinds.length > 0 ? `: ${driftKinds.join(', ')}` : ''}` : undefined;

/** The results as an aligned table, one row per event. */
export const formatTable = (results: readonly ReplayResult[]): string[] => {
  const ids = results.map((result) => result.eventId ?? '(no id)');
  const width = Math.min(idWidth(ids), 36);
  const header = ['#', 'event', 'detail-type', 'outcome', 'consistency', 'ms', 'GetItem', 'fingerprint', 'facts', 'notes'];
  const rows = results.map((result, index) => [
    String(result.index),
    cell(ids[index] ?? '').slice(0, width),
    cell(result.detailType ?? '(none)', 30),
    cell(outcomeOf(result), 40),
    result.notification?.consistency ?? '-',
    result.latencyMs.toFixed(1),
    String(result.queryLatencyMs.length),
    result.schemaFingerprint ? `${result.schemaFingerprint} ${cell(result.leaseStatus ?? '?', 20)}` : '-',
    cell(factsOf(result.notification?.facts) || '-', 70),
    cell([result.note, ...result.keyProblems, driftNote(result)].filter(Boolean).join('; '), 80),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const rightAligned = new Set([0, 5, 6]);
  const line = (row: string[]) =>
    row
      .map((value, column) => (rightAligned.has(column) ? value.padStart(widths[column] ?? 0) : value.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
};

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Counts per outcome, most frequent first: `8 enriched, 1 not-found, 3 skipped: invalid-lease-key`. */
export const formatSummary = (results: readonly ReplayResult[]): string => {
  const counts = new Map<string, number>();
  for (const result of results) counts.set(outcomeOf(result), (counts.get(outcomeOf(result)) ?? 0) + 1);
  const notified = results.filter((result) => result.notification).length;
  const fingerprints = new Set(results.flatMap((result) => (result.schemaFingerprint ? [result.schemaFingerprint] : [])));
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([outcome, count]) => `${count} ${outcome}`);
  return [
    `${count(results.length, 'event')}, ${count(notified, 'notification')}: ${cell(parts.join(', '))}`,
    `${count(fingerprints.size, 'distinct lease shape')} (schemaFingerprint) among the leases found`,
  ].join('\n');
};

/**
 * When lookups were sent to DynamoDB and not one was answered, every one `failed`, says so:
 * `None of the 3 lookups sent to DynamoDB was answered (3 failed: ResourceNotFoundException)`.
 * Otherwise undefined. A skipped lookup (bad key, open breaker) never reached the table and counts
 * neither way, so a run whose every lookup was skipped is not called a failed one.
 */
export const unansweredLookups = (results: readonly ReplayResult[]): string | undefined => {
  const outcomes = results.flatMap((result) => (result.notification ? [result.notification.enrichment] : []));
  if (outcomes.some(({ status }) => status === 'enriched' || status === 'not-found')) return undefined;
  const reasons = new Map<string, number>();
  for (const outcome of outcomes) {
    if (outcome.status === 'failed') reasons.set(outcome.reason, (reasons.get(outcome.reason) ?? 0) + 1);
  }
  const failed = [...reasons.values()].reduce((sum, n) => sum + n, 0);
  if (failed === 0) return undefined;
  const why = [...reasons]
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${n} failed: ${cell(reason)}`)
    .join(', ');
  const lookups =
    failed === 1 ? 'The one lookup sent to DynamoDB was not answered' : `None of the ${failed} lookups sent to DynamoDB was answered`;
  return `${lookups} (${why})`;
};

/** The handler's own lines for one event, indented, emails masked; EMF as one compact line. */
export const formatOutput = (result: ReplayResult): string[] => {
  const lines = result.output.filter((line) => !line.json || !('_aws' in line.json)).map((line) => `    ${cell(line.text)}`);
  const metrics = Object.entries(result.metrics).map(([name, values]) => `${name} ${values.map(hundredths).join(',')}`);
  if (metrics.length > 0) lines.push(`    EMF: ${metrics.join(' · ')}`);
  return lines;
};

/** One result as one JSON line; with `verbose`, the handler's log lines and metrics too. */
export const formatJson = (result: ReplayResult, verbose: boolean): string =>
  JSON.stringify(
    {
      index: result.index,
      eventId: result.eventId,
      detailType: result.detailType,
      outcome: outcomeOf(result),
      consistency: result.notification?.consistency ?? null,
      latencyMs: hundredths(result.latencyMs),
      getItemAttempts: result.queryLatencyMs.length,
      queryLatencyMs: result.queryLatencyMs,
      schemaFingerprint: result.schemaFingerprint ?? null,
      leaseStatus: result.leaseStatus ?? null,
      keyProblems: result.keyProblems,
      schemaDrift: result.schemaDrift,
      driftKinds: result.driftKinds,
      ...(result.note ? { note: result.note } : {}),
      ...(result.notification ? { notification: result.notification } : { error: result.error }),
      ...(verbose
        ? {
            logs: result.output.map((line) => line.json ?? line.text).filter((line) => typeof line === 'string' || !('_aws' in line)),
            metrics: result.metrics,
          }
        : {}),
    },
    maskEmailsReplacer,
  );

export const readEventFields = (event: Record<string, unknown>): Pick<ReplayResult, 'eventId' | 'detailType'> => ({
  eventId: stringOf(event.id),
  detailType: stringOf(event['detail-type']),
});

// ── The sender path (local/sender-path.ts): who got which message. ─────────────────────────────

/**
 * The sender's part of the run: per event, who got which subject (addresses masked), the replay
 * that shows once-only delivery, counts per detail-type, and where to read the messages.
 */
export const formatDeliveries = (result: SenderPathResult, keptOpen: boolean): string[] => {
  const rows = result.deliveries.map((delivery) => {
    const what =
      delivery.outcome === 'sent'
        ? `${cell(delivery.subject ?? '', 72)}`
        : `${delivery.outcome}${delivery.reason ? `: ${delivery.reason}` : ''}`;
    return `  ${delivery.eventId.slice(0, 13)}  ${delivery.detailType.padEnd(27)} ${delivery.audience.padEnd(9)} ${cell(delivery.to ?? '-', 20).padEnd(8)} ${what}`;
  });
  const counts = Object.entries(result.sentByDetailType).map(([detailType, n]) => `${n} ${detailType}`);
  const total = Object.values(result.sentByDetailType).reduce((sum, n) => sum + n, 0);
  const replay = result.replay
    ? `Replayed ${result.replay.eventId.slice(0, 13)}: ${count(result.replay.duplicates, 'duplicate')} suppressed, ${result.replay.sent} sent again`
    : 'Replay: no message was sent, so there was nothing to replay';
  return [
    'Sender:   src/handlers/sender.ts through the local SES v2 API (aws-ses-v2-local), idempotency table on the embedded DynamoDB',
    `  ${'event'.padEnd(13)}  ${'detail-type'.padEnd(27)} ${'to'.padEnd(9)} ${'address'.padEnd(8)} subject`,
    ...rows,
    `${count(total, 'message')} sent: ${counts.join(', ') || 'none'}${result.sendFailures > 0 ? `; ${count(result.sendFailures, 'record')} failed` : ''}`,
    replay,
    `Messages: ${result.folder} (.txt and .html)`,
    `SES page: ${result.pageUrl}${keptOpen ? ' (open until Ctrl-C)' : ' (closed with the run; LOCAL_SES_KEEP_OPEN=true keeps it open)'}`,
  ];
};
