import { jest } from '@jest/globals';
import { type CapturedLine, emfMetrics, logLines, parseLine } from '../../local/capture.js';

export type OutputLine = CapturedLine;

export interface CapturedOutput {
  /** Everything written, in order. */
  readonly lines: OutputLine[];
  /** All output as one string, for "never contains" assertions. */
  text(): string;
  /** Powertools log lines, optionally of one level. */
  logs(level?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'): Record<string, unknown>[];
  /** The log lines of one level as the code wrote them: message and fields, without Powertools' own keys. */
  fields(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'): Record<string, unknown>[];
  /** EMF documents written by Powertools Metrics. */
  emf(): Record<string, unknown>[];
  /** The values of one metric across all EMF documents, flattened. */
  metric(name: string): number[];
  /** Every metric emitted, by name, with its values: for "this and nothing else" assertions. */
  metrics(): Record<string, number[]>;
  restore(): void;
}

/**
 * Captures what Powertools writes. Its Logger and Metrics write to `process.stdout` and
 * `process.stderr` directly, not through `console`, so the streams are what we watch. Lines are read
 * as the local runner reads them (`local/capture.ts`).
 */
export const captureOutput = (): CapturedOutput => {
  const lines: OutputLine[] = [];
  const spy = (stream: 'stdout' | 'stderr') =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const text of String(chunk).split('\n').filter(Boolean)) lines.push({ stream, text, json: parseLine(text) });
      return true;
    });
  const spies = [spy('stdout'), spy('stderr')];
  return {
    lines,
    text: () => lines.map((line) => line.text).join('\n'),
    logs: (level) => logLines(lines).filter((line) => level === undefined || line.level === level),
    fields: (level) =>
      logLines(lines)
        .filter((line) => line.level === level)
        .map(
          ({ level: _level, timestamp: _timestamp, service: _service, sampling_rate: _sampling, xray_trace_id: _trace, ...fields }) =>
            fields,
        ),
    emf: () => lines.flatMap(({ json }) => (json && '_aws' in json ? [json] : [])),
    metric: (name) => emfMetrics(lines)[name] ?? [],
    metrics: () => emfMetrics(lines),
    restore: () => {
      for (const item of spies) item.mockRestore();
    },
  };
};
