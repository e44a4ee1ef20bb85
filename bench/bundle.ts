/**
 * esbuild bundles of the two handlers, built the way a Lambda deployment builds them, and of the
 * benchmark's own child-process scripts.
 */

import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

/** esbuild's target: the Node.js major of the function's Lambda runtime, `nodejs24.x`. */
export const BUNDLE_TARGET = 'node24';

/** ESM bundles of CommonJS dependencies still call `require`; this gives them one. */
const CREATE_REQUIRE_BANNER =
  "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);";

/** One bundled handler: where it is, how big, and what is in it. */
export interface HandlerBundle {
  readonly entry: string;
  readonly outfile: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly metafile: Metafile;
}

/**
 * Bundles a Lambda handler as a deployment would: everything inlined, the AWS SDK included (the
 * Lambda runtime's own copy is not used), so each bundle is self-contained and the two compare like
 * for like. Minified ESM for Node 24 (the Lambda runtime's), ESM entry points of dependencies first (`module` before
 * `main`), which lets esbuild drop the SDK's unused parts.
 *
 * @example
 * const bundle = await bundleHandler('src/handlers/notification.ts', 'bench/results/tmp/notification.mjs');
 * bundle.bytes; // => size on disk of the minified bundle
 */
export const bundleHandler = async (entry: string, outfile: string): Promise<HandlerBundle> => {
  await mkdir(dirname(outfile), { recursive: true });
  const { metafile } = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: CREATE_REQUIRE_BANNER },
    metafile: true,
    logLevel: 'warning',
  });
  const code = await readFile(outfile);
  return { entry, outfile, bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, metafile };
};

/**
 * Compiles one of the benchmark's own child-process scripts to plain JavaScript, so that the child
 * runs on bare `node` with no TypeScript loader in its module graph or its timings.
 *
 * @example
 * await bundleScript('bench/init-probe.ts', 'bench/results/tmp/init-probe.mjs');
 */
export const bundleScript = async (entry: string, outfile: string): Promise<void> => {
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    packages: 'external',
    logLevel: 'warning',
  });
};

/** Bytes a package contributes to a bundle. */
export interface PackageWeight {
  readonly name: string;
  readonly bytes: number;
}

/** `node_modules/@scope/name/...` → `@scope/name`; the project's own files → their top folder. */
const packageOf = (input: string): string => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1]!;
  return input.split('/').slice(0, 2).join('/');
};

/**
 * Bytes of minified output per package, heaviest first, from an esbuild metafile.
 *
 * @example
 * packageWeights(bundle.metafile)[0]; // => { name: '@smithy/core', bytes: 134000 }
 */
export const packageWeights = (metafile: Metafile): PackageWeight[] => {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((item) => item.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
};

/** How much more (or less) of each package one bundle has than another. */
export interface PackageDelta {
  readonly name: string;
  readonly stackBytes: number;
  readonly bareBytes: number;
  readonly deltaBytes: number;
}

/**
 * Where the difference in size between two bundles comes from, by package, largest first.
 *
 * @example
 * packageDeltas(stack.metafile, bare.metafile)[0]; // => { name: '@aws-lambda-powertools/logger', ... }
 */
export const packageDeltas = (stack: Metafile, bare: Metafile): PackageDelta[] => {
  const bareBytes = new Map(packageWeights(bare).map((item) => [item.name, item.bytes]));
  const stackBytes = new Map(packageWeights(stack).map((item) => [item.name, item.bytes]));
  return [...new Set([...stackBytes.keys(), ...bareBytes.keys()])]
    .map((name) => {
      const inStack = stackBytes.get(name) ?? 0;
      const inBare = bareBytes.get(name) ?? 0;
      return { name, stackBytes: inStack, bareBytes: inBare, deltaBytes: inStack - inBare };
    })
    .filter((item) => item.deltaBytes !== 0)
    .sort((a, b) => b.deltaBytes - a.deltaBytes || a.name.localeCompare(b.name));
};
