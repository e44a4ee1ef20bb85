/**
 * Child process of the cold-start measurement: times the import of one handler bundle in a fresh
 * Node process, as the Lambda runtime's init phase loads it, and prints one result line.
 *
 *   node init-probe.mjs <bundle.mjs>
 */
import { pathToFileURL } from 'node:url';
import { INIT_RESULT_PREFIX, type InitResult } from './protocol.js';

const bundle = process.argv[2];
if (!bundle) throw new Error('usage: node init-probe.mjs <bundle.mjs>');

const started = performance.now();
const module = (await import(pathToFileURL(bundle).href)) as { handler?: unknown };
const ready = performance.now();
if (typeof module.handler !== 'function') throw new Error(`${bundle} exports no handler`);

const result: InitResult = { initMs: ready - started, readyMs: ready };
process.stdout.write(`\n${INIT_RESULT_PREFIX}${JSON.stringify(result)}\n`);
