import { jest } from '@jest/globals';

/** One line the code under test wrote to stdout or stderr, parsed when it is JSON. */
export interface OutputLine {
  stream: 'stdout' | 'stderr';
  text: string;
  json?: Record<string, unknown>;
}

export interface CapturedOutput {
  /** Everything written, in order. */
  readonly lines: OutputLine[];
  /** All output as one string, for "never contains" assertions. */
  text(): string;
  /** Powertools log lines, optionally of one level. */
  logs(level?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'): Record<string, unknown>[];
  /** EMF documents written by Powertools Metrics. */
  emf(): Record<string, unknown>[];
  /** The values of one metric across all EMF documents, flattened. */
  metric(name: string): number[];
  restore(): void;
}

/**
 * Captures what Powertools writes. Its Logger and Metrics write to `process.stdout` and
 * `process.stderr` directly, not through `console`, so the streams are what we watch.
 */
export const captureOutput = (): CapturedOutput => {
  const lines: OutputLine[] = [];
  const spy = (stream: 'stdout' | 'stderr') =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const text of String(chunk).split('\n').filter(Boolean)) {
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        lines.push({ stream, text, json });
      }
      return true;
    });
  const spies = [spy('stdout'), spy('stderr')];
  const jsonLines = () => lines.flatMap((line) => (line.json ? [line.json] : []));
  const emf = () => jsonLines().filter((line) => '_aws' in line);
  return {
    lines,
    text: () => lines.map((line) => line.text).join('\n'),
    logs: (level) => jsonLines().filter((line) => 'level' in line && (level === undefined || line.level === level)),
    emf,
    metric: (name) =>
      emf().flatMap((doc) => (name in doc ? [doc[name]].flat() : [])) as number[],
    restore: () => spies.forEach((item) => item.mockRestore()),
  };
};
