/**
 * Captures what code writes to stdout and stderr while it runs. Powertools' Logger and Metrics write
 * to `process.stdout` and `process.stderr` themselves (not through `console`), so the streams are what
 * the runner watches to keep its own output readable and to read the handler's log lines and EMF.
 */

/** One line written, parsed when it is a JSON object. */
export interface CapturedLine {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly json?: Record<string, unknown>;
}

/** What a captured run gave: its value or its error, and every line written meanwhile. */
export type Captured<T> = { readonly lines: CapturedLine[] } & (
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown }
);

/** A written line as a JSON object, or undefined when it is not one. */
export const parseLine = (text: string): Record<string, unknown> | undefined => {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Runs `run` with stdout and stderr diverted into memory, and restores them whatever happens.
 * Not reentrant: one capture at a time.
 *
 * @example
 * const { lines } = await captureStdio(() => handler(event, context));
 * const logs = lines.flatMap((line) => (line.json && 'level' in line.json ? [line.json] : []));
 */
export const captureStdio = async <T>(run: () => Promise<T>): Promise<Captured<T>> => {
  const lines: CapturedLine[] = [];
  const streams = { stdout: process.stdout, stderr: process.stderr } as const;
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const divert = (name: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const line of text.split('\n')) {
        if (line.trim()) lines.push({ stream: name, text: line, json: parseLine(line) });
      }
      const callback = rest.find((item) => typeof item === 'function') as (() => void) | undefined;
      if (callback) queueMicrotask(callback);
      return true;
    }) as typeof process.stdout.write;
  streams.stdout.write = divert('stdout');
  streams.stderr.write = divert('stderr');
  try {
    return { ok: true, value: await run(), lines };
  } catch (error) {
    return { ok: false, error, lines };
  } finally {
    streams.stdout.write = originals.stdout;
    streams.stderr.write = originals.stderr;
  }
};

/** Powertools log lines among captured lines (JSON with a `level`). */
export const logLines = (lines: readonly CapturedLine[]): Record<string, unknown>[] =>
  lines.flatMap((line) => (line.json && 'level' in line.json ? [line.json] : []));

/** The metrics in the EMF documents among captured lines: name to values, in order written. */
export const emfMetrics = (lines: readonly CapturedLine[]): Record<string, number[]> => {
  const metrics: Record<string, number[]> = {};
  for (const { json } of lines) {
    const directives = (json?._aws as { CloudWatchMetrics?: { Metrics?: { Name?: unknown }[] }[] } | undefined)?.CloudWatchMetrics;
    if (!json || !Array.isArray(directives)) continue;
    for (const { Metrics = [] } of directives) {
      for (const { Name } of Metrics) {
        if (typeof Name !== 'string') continue;
        const values = [json[Name]].flat().filter((value): value is number => typeof value === 'number');
        metrics[Name] = [...(metrics[Name] ?? []), ...values];
      }
    }
  }
  return metrics;
};
