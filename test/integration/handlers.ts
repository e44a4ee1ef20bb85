import {
  createNotificationHandler,
  type LeaseEvent,
  type LeaseNotification,
  type NotificationHandlerDependencies,
} from '../../src/handlers/notification.js';
import { CircuitBreaker, createLeaseDocumentClient } from '../../src/middleware/lease-enrichment/index.js';
import { lambdaContext, testLogger, testMetrics } from '../support/lambda.js';
import type { IntegrationTarget } from './harness.js';

export interface TestHandler {
  /** One invocation with a fresh Lambda context; resolves to the notification. */
  invoke(event: unknown): Promise<LeaseNotification>;
  /** Closes the handler's client and its connections. */
  destroy(): void;
}

/**
 * The notification handler as production builds it, with its own DocumentClient pointed at
 * `endpoint` (default: the target's own) and its own circuit breaker.
 */
export const buildHandler = (
  target: IntegrationTarget,
  {
    endpoint = target.endpoint,
    ...options
  }: { endpoint?: string } & Partial<Omit<NotificationHandlerDependencies, 'client' | 'logger' | 'metrics'>> = {},
): TestHandler => {
  const client = createLeaseDocumentClient({ ...target.clientConfig, ...(endpoint ? { endpoint } : {}) });
  const handler = createNotificationHandler({
    logger: testLogger(),
    metrics: testMetrics(),
    client,
    tableName: target.tableName,
    circuitBreaker: new CircuitBreaker(),
    ...options,
  });
  return {
    // The handler's context type includes what its middlewares add; Lambda passes the plain one.
    invoke: (event) => handler(event as LeaseEvent, lambdaContext() as Parameters<typeof handler>[1]),
    destroy: () => client.destroy(),
  };
};
