/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// ESM throughout: middy 7 ships only ES modules, so tests run as ES modules too (compiled by swc).
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
      },
    ],
  },
  // examples/ import the package by its name, as a user's code does: here, its sources.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^lease-enrichment$': '<rootDir>/src/index.ts' },
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
  collectCoverageFrom: ['src/**/*.ts'],
  coverageThreshold: {
    global: {},
    './src/middleware/': { lines: 100, branches: 100, functions: 100, statements: 100 },
    './src/contained.ts': { lines: 100, branches: 100, functions: 100, statements: 100 },
  },
  coverageReporters: ['text-summary', 'text'],
};

export default config;
