import { createNotificationHandler } from '../../src/handlers/notification.js';
import { CircuitBreaker, createLeaseDocumentClient } from '../../src/middleware/lease-enrichment/index.js';
import { testLogger, testMetrics } from './lambda.js';

/**
 * The notification handler as a property test runs it: on the (mocked) SDK client, with a breaker
 * that never opens, so that thousands of generated failures never turn later runs into skips.
 */
export const propertyNotificationHandler = () =>
  createNotificationHandler({
    logger: testLogger(),
    metrics: testMetrics(),
    client: createLeaseDocumentClient(),
    tableName: 'LeaseTable',
    circuitBreaker: new CircuitBreaker({ failureThreshold: Number.MAX_SAFE_INTEGER }),
  });
