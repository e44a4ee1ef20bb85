/**
 * The sender Lambda's entry point: settings, clients, Logger and Metrics are made once per
 * container, at load. A missing or malformed setting fails the start-up, naming the variable.
 */
import { ENV, readEnv } from '../config.js';
import { createLogger, createMetrics } from '../observability.js';
import { createSenderHandler, readSenderSettings, required } from './sender/handler.js';

const settings = readSenderSettings();

/** The Lambda entry point; settings, clients, Logger and Metrics are made once per container. */
export const handler = createSenderHandler({
  logger: createLogger(),
  metrics: createMetrics(),
  settings,
  // Unused with the kill switch on, so not required then.
  idempotencyTableName: settings.send ? required(ENV.idempotencyTableName, process.env) : (readEnv(ENV.idempotencyTableName) ?? 'unused'),
});
