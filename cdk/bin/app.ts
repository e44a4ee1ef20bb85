#!/usr/bin/env node
import { createLeaseEnrichmentApp } from '../lib/app.js';
import { DeploymentConfigError } from '../lib/config.js';

try {
  // The CLI passes cdk.json's context and -c values through the environment; App reads them from there.
  createLeaseEnrichmentApp();
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  // A configuration mistake needs its message, not a stack trace.
  console.error(`\n${error.message}\n`);
  process.exitCode = 1;
}
