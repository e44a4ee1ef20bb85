/**
 * What the benchmark's child processes and the orchestrator say to each other. Types and constants
 * only, so that the children import nothing else from the orchestrator's side.
 */

/** The prefix of the init probe's result line, so that anything else a module prints cannot be mistaken for it. */
export const INIT_RESULT_PREFIX = 'bench-init-result ';

/** What one init probe reports, in milliseconds. */
export interface InitResult {
  /** `await import(bundle)`: read, parse, compile and run the module's top level. */
  readonly initMs: number;
  /** From process start to the handler being ready (Node's own boot plus `initMs`). */
  readonly readyMs: number;
}

/** What the warm-path worker is asked to do. */
export interface WarmRequest {
  readonly stackBundle: string;
  readonly bareBundle: string;
  /** The stack built up one layer at a time (`bench/layers.ts`), for what each layer costs. */
  readonly layersBundle: string;
  /** The fixture events, as EventBridge delivers them. */
  readonly eventsFile: string;
  readonly iterations: number;
  readonly warmup: number;
  readonly seed: number;
}

/** One fixture event the stack sent to DynamoDB, and what both handlers made of it. */
export interface QualifiedEvent {
  readonly detailType: string;
  /** The lease's uuid, when one was found. */
  readonly uuid?: string;
  readonly outcome: 'enriched' | 'not-found';
}

/** What the warm-path worker measured. */
export interface WarmResult {
  /** Events that reached DynamoDB; the others were left out of the measurement. */
  readonly events: readonly QualifiedEvent[];
  /** Fixture events left out because the stack skips them (bad or missing key). */
  readonly skippedEvents: readonly string[];
  /** End-to-end latency of each measured invocation, in ms; index i of both is iteration i. */
  readonly stackMs: readonly number[];
  readonly bareMs: readonly number[];
  /** How many iterations ran the stack first. */
  readonly stackFirst: number;
  /**
   * Measured invocations whose result differed from the one seen when the events were qualified
   * (a failed or skipped lookup does less work and would flatter the stack). Expected: 0.
   */
  readonly unexpectedOutcomes: number;
  /** Bytes written to stderr (WARN and ERROR lines) during the measured iterations. Expected: 0. */
  readonly stderrBytesMeasured: number;
  /** Bytes each handler wrote to stdout and stderr per invocation, on average over one pass of the events. */
  readonly logBytesPerInvocation: { readonly stack: number; readonly bare: number };
  /** The per-layer run: the bare handler and every layer, interleaved in a random order per iteration. */
  readonly layers: LayerRun;
}

/** What the per-layer run measured: latencies in ms, index i of each being iteration i. */
export interface LayerRun {
  readonly bareMs: readonly number[];
  readonly layers: readonly { readonly name: string; readonly adds: string; readonly ms: readonly number[] }[];
  /** Measured layer invocations that did not find what the qualifying pass found. Expected: 0. */
  readonly unexpectedOutcomes: number;
}

/** The worker's one message back. */
export type WarmMessage = { readonly ok: true; readonly result: WarmResult } | { readonly ok: false; readonly error: string };
