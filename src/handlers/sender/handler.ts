/**
 * The sender, built from its settings and clients: reads the notification queue (Lambda destination
 * records), renders each notification's messages and sends each once by Amazon SES v2. Partial batch
 * failures through Powertools batch: a bad record goes back to the queue alone.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ENV, readEnv, readEnvList } from '../../config.js';
import { dateFormatter } from '../../messages/index.js';
import { createRecordHandler, type KeepRecord, type SenderSettings, sendDelivery } from './deliver.js';
import { keepInQueue } from './keep.js';
import { onceOnly } from './once.js';
import { usableAddress } from './record.js';

/** A setting the sender cannot start without, or cannot use. */
export class SenderConfigError extends Error {
  override readonly name = 'SenderConfigError';
}

export const required = (name: string, env: NodeJS.ProcessEnv): string => {
  const value = readEnv(name, env);
  if (value === undefined) throw new SenderConfigError(`${name} is not set`);
  return value;
};

/**
 * Reads and checks the sender's settings from the environment. With `NOTIFICATIONS_SEND=false`
 * nothing is sent, so `NOTIFICATION_FROM` may be missing.
 *
 * @example
 * const settings = readSenderSettings(process.env);
 */
export const readSenderSettings = (env: NodeJS.ProcessEnv = process.env): SenderSettings => {
  const send = readEnv(ENV.notificationsSend, env)?.toLowerCase() !== 'false';
  const from = send ? required(ENV.notificationFrom, env) : (readEnv(ENV.notificationFrom, env) ?? '');
  const operators = readEnvList(ENV.operatorEmails, env);
  if (operators.some((address) => usableAddress(address) === null))
    throw new SenderConfigError(`${ENV.operatorEmails} holds a value that is not an address`);
  const timeZone = readEnv(ENV.notificationTimeZone, env) ?? 'UTC';
  try {
    dateFormatter(timeZone);
  } catch {
    throw new SenderConfigError(`${ENV.notificationTimeZone} is not a time zone: ${timeZone}`);
  }
  const webAppUrl = readEnv(ENV.isbWebAppUrl, env);
  if (webAppUrl !== undefined && !/^https?:\/\/\S+$/.test(webAppUrl))
    throw new SenderConfigError(`${ENV.isbWebAppUrl} is not an http(s) URL`);
  const configurationSet = readEnv(ENV.sesConfigurationSet, env);
  return {
    send,
    from,
    operators,
    ...(configurationSet === undefined ? {} : { configurationSet }),
    messages: { timeZone, ...(webAppUrl === undefined ? {} : { webAppUrl }) },
  };
};

/** What {@link createSenderHandler} is built from; every client is injectable for tests and the local run. */
export interface SenderHandlerDependencies {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly settings: SenderSettings;
  readonly idempotencyTableName: string;
  readonly ses?: SESv2Client;
  readonly keep?: KeepRecord;
  /** The idempotency table's client; the SDK's default (which honours `AWS_ENDPOINT_URL_DYNAMODB`) when left out. */
  readonly dynamodb?: DynamoDBClient;
}

/**
 * Builds the sender: Powertools context and metrics around a partial-batch processor that runs
 * each record through {@link createRecordHandler}, one record at a time (SES's sending rate is the
 * limit, not the CPU).
 *
 * @example
 * export const handler = createSenderHandler({ logger, metrics, settings, idempotencyTableName: 'Idempotency' });
 */
export const createSenderHandler = (deps: SenderHandlerDependencies) => {
  // Both SES and SQS clients honour AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL_SQS on their own.
  const ses = deps.ses ?? new SESv2Client({});
  const keep = deps.keep ?? keepInQueue(new SQSClient({}), readEnv(ENV.rejectedQueueUrl));
  const { deliverOnce, config } = onceOnly(sendDelivery(ses, deps.settings), {
    tableName: deps.idempotencyTableName,
    ...(deps.dynamodb === undefined ? {} : { client: deps.dynamodb }),
  });
  const recordHandler = createRecordHandler({ logger: deps.logger, metrics: deps.metrics, settings: deps.settings, deliverOnce, keep });
  const processor = new BatchProcessor(EventType.SQS);
  const sendBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    config.registerLambdaContext(context);
    return processPartialResponse(event, recordHandler, processor, { context, processInParallel: false, throwOnFullBatchFailure: false });
  };
  return middy<SQSEvent, SQSBatchResponse>().use(injectLambdaContext(deps.logger)).use(logMetrics(deps.metrics)).handler(sendBatch);
};
