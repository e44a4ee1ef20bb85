import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { LEASE_FUNCTION_RUNTIME } from '../cdk/lib/lease-enrichment-function.js';

// The deployed function's runtime is the source of truth: `nodejs24.x` means Node.js 24.
const lambdaMajor = Number(/^nodejs(\d+)\.x$/.exec(LEASE_FUNCTION_RUNTIME.name)?.[1]);
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

describe('the Node.js the tests run on', () => {
  it("is the Lambda runtime's major", () => {
    // Fails when the suite is started without npm (so without the `node` dev dependency on PATH).
    expect(Number(process.versions.node.split('.')[0])).toBe(lambdaMajor);
  });

  it("is the one the `node` dev dependency brings, with that major's types", () => {
    expect(packageJson.devDependencies.node?.split('.')[0]).toBe(String(lambdaMajor));
    expect(packageJson.devDependencies['@types/node']?.split('.')[0]).toBe(String(lambdaMajor));
  });

  it("is within what `engines` promises the package's users", () => {
    const floor = Number(/^>=(\d+)$/.exec(packageJson.engines.node)?.[1]);

    expect(floor).toBeGreaterThanOrEqual(22); // Middy 7's floor
    expect(floor).toBeLessThanOrEqual(lambdaMajor);
  });
});
