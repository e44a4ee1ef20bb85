// Mutation testing of the middlewares and the masking code: `npm run test:mutation` (see docs/testing.md).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  mutate: [
    'src/middleware/**/*.ts',
    'src/contained.ts',
    'src/email-addresses.ts',
    'src/observability.ts',
    // The lease types' one function, leaseSummary; the model's data (lease-model.ts) is pinned by the model page's test
    // and ISB's property tests.
    'src/lease.ts',
    // Generated from the schema, and checked against it by a unit test: mutating it tests Ajv.
    '!src/middleware/**/*.generated.*',
  ],
  testRunner: 'jest',
  // ESM Jest, as `npm test` runs it.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.ts',
    // Unit and property tests only (the integration, CDK and package suites take minutes per run).
    // The code they import is a root too, so that Jest can find each mutant's tests (through scripts/ too).
    config: { roots: ['<rootDir>/test/unit', '<rootDir>/test/property', '<rootDir>/src', '<rootDir>/scripts', '<rootDir>/local'] },
    // Each mutant loads only the test files that import its file: every test file loads the AWS SDK.
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // Left as they are: with `// @ts-nocheck` added, the generated validator no longer matches its schema's output.
  disableTypeChecks: false,
  // No tsconfig to rewrite: TypeScript 7 has no compiler API for Stryker to rewrite one with, and swc needs none.
  tsconfigFile: 'stryker-has-no-tsconfig.json',
  concurrency: 2,
  // A mutant that keeps a lookup from settling must end as a timeout, not hold a runner.
  timeoutMS: 15_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: 95 },
  // A rerun tests again only the mutants whose code or covering tests changed (delete the file to start afresh).
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};

export default config;
