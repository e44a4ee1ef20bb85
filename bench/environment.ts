/**
 * The environment the benchmark's child processes run the handlers in: what the Lambda runtime sets
 * for a function, minus anything of the caller's own AWS or Powertools setup.
 */
import { LOCAL_CLIENT_CONFIG } from '../local/dynamodb.js';

/** The LeaseTable's name in the local engine. */
export const BENCH_TABLE_NAME = 'LeaseTable';

/**
 * Variables for a child process that imports the handlers: the Lambda runtime's own (region,
 * function name, memory, credentials as environment variables), the table name, and, for the warm
 * path, the local endpoint. The caller's `AWS_*`, `POWERTOOLS_*` and `NODE_OPTIONS` are dropped, so a
 * profile or a loader on the developer's machine cannot change what is measured.
 *
 * @example
 * spawn('node', ['probe.mjs'], { env: lambdaEnvironment({ endpoint: 'http://127.0.0.1:8000' }) });
 */
export const lambdaEnvironment = ({ endpoint }: { endpoint?: string } = {}): NodeJS.ProcessEnv => {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(AWS_|POWERTOOLS_|NODE_OPTIONS$|LEASE_)/.test(name)),
  );
  return {
    ...inherited,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: 'lease-enrichment',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_REGION: LOCAL_CLIENT_CONFIG.region,
    AWS_DEFAULT_REGION: LOCAL_CLIENT_CONFIG.region,
    // DynamoDB Local keeps one database per access key and region: these match the seeding client's.
    AWS_ACCESS_KEY_ID: LOCAL_CLIENT_CONFIG.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CLIENT_CONFIG.credentials.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LEASE_TABLE_NAME: BENCH_TABLE_NAME,
    ...(endpoint ? { AWS_ENDPOINT_URL_DYNAMODB: endpoint } : {}),
  };
};
