import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  /** Default `lease-enrichment`. */
  functionName?: string;
  /** The function's timeout, from which the remaining time counts down. Default 30 000 ms. */
  timeoutMs?: number;
  /** Default 256. */
  memoryLimitInMB?: number;
  /** Default `eu-west-2`. */
  region?: string;
  /** Default `123456789012`. */
  accountId?: string;
}

// One log stream per process, as one Lambda container writes to one stream.
const LOG_STREAM_SUFFIX = randomBytes(16).toString('hex');

/**
 * A Lambda context as the runtime passes one to each invocation: a fresh request id, and a remaining
 * time that counts down from the function's timeout, starting now.
 *
 * @example
 * const notification = await handler(event, lambdaContext({ timeoutMs: 10_000 }));
 */
export const lambdaContext = ({
  functionName = 'lease-enrichment',
  timeoutMs = 30_000,
  memoryLimitInMB = 256,
  region = 'eu-west-2',
  accountId = '123456789012',
}: LambdaContextOptions = {}): Context => {
  const deadline = Date.now() + timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(memoryLimitInMB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${LOG_STREAM_SUFFIX}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
