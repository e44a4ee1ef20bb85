/**
 * Environment variables the functions read, once, at module load. Names live here so that the code,
 * the deployment and the local runner agree on them.
 */
export const ENV = {
  /** Name or ARN of the LeaseTable; GetItem accepts either. */
  leaseTableName: 'LEASE_TABLE_NAME',
  /** Comma-separated fingerprints of lease record field sets to accept beyond ISB's lease model. */
  knownFingerprints: 'LEASE_KNOWN_FINGERPRINTS',
  /** Powertools' own variables. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
} as const;

/** Reads a variable, treating blank as unset. */
export const readEnv = (name: string, env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/** Reads a comma-separated list, dropping blanks. */
export const readEnvList = (name: string, env: NodeJS.ProcessEnv = process.env): string[] =>
  (readEnv(name, env) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
