/**
 * Cold start: module init time of each handler bundle, each sample from a fresh `node` process, the
 * two handlers interleaved so that both see the same state of the machine.
 */
import { spawn } from 'node:child_process';
import { lambdaEnvironment } from './environment.js';
import { INIT_RESULT_PREFIX, type InitResult } from './protocol.js';

/** Init samples of both handlers, in ms, in the order they ran. */
export interface InitSamples {
  readonly stack: readonly InitResult[];
  readonly bare: readonly InitResult[];
}

export interface MeasureInitOptions {
  /** The compiled init probe (`bench/init-probe.ts`). */
  readonly probe: string;
  readonly stackBundle: string;
  readonly bareBundle: string;
  /** Samples kept per handler. */
  readonly runs: number;
  /** Leading samples per handler thrown away: the first reads of a fresh bundle come from disk, not the page cache. */
  readonly discard?: number;
  /** Called after each pair, for progress output. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs the probe on one bundle in a new process and returns what it measured. */
const probeOnce = (probe: string, bundle: string): Promise<InitResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [probe, bundle], {
      env: lambdaEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.split('\n').find((item) => item.startsWith(INIT_RESULT_PREFIX));
      if (code !== 0 || !line) {
        reject(new Error(`init probe of ${bundle} exited with ${code}: ${stderr.trim() || stdout.trim()}`));
        return;
      }
      resolve(JSON.parse(line.slice(INIT_RESULT_PREFIX.length)) as InitResult);
    });
  });

/**
 * Measures module init of both bundles: `runs` fresh processes each, in pairs whose order alternates
 * (stack then bare, bare then stack), after `discard` pairs that warm the page cache.
 *
 * @example
 * const { stack, bare } = await measureInit({ probe, stackBundle, bareBundle, runs: 21 });
 */
export const measureInit = async ({
  probe,
  stackBundle,
  bareBundle,
  runs,
  discard = 2,
  onProgress,
}: MeasureInitOptions): Promise<InitSamples> => {
  const stack: InitResult[] = [];
  const bare: InitResult[] = [];
  const total = discard + runs;
  for (let pair = 0; pair < total; pair += 1) {
    const stackFirst = pair % 2 === 0;
    const first = await probeOnce(probe, stackFirst ? stackBundle : bareBundle);
    const second = await probeOnce(probe, stackFirst ? bareBundle : stackBundle);
    if (pair >= discard) {
      stack.push(stackFirst ? first : second);
      bare.push(stackFirst ? second : first);
    }
    onProgress?.(pair + 1, total);
  }
  return { stack, bare };
};
