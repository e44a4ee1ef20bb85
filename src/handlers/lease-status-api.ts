import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { leaseSummary } from '../lease.js';
import { enrichmentReport } from '../middleware/enrichment-report/index.js';
import { createLeaseDocumentClient, leaseEnrichment } from '../middleware/lease-enrichment/index.js';
import { leaseKey, ownField, type LeaseKeyExtractor } from '../middleware/lease-key/index.js';
import type { LeaseEnrichmentContext, LeaseInternal } from '../middleware/types.js';
import type { NotificationHandlerDependencies } from './notification.js';
import { createLogger, createMetrics } from '../observability.js';

/**
 * `GET /leases/{uuid}` for the signed-in user: the same three lease middlewares as the notification
 * handler, with a key taken from an HTTP API request instead of an EventBridge event. The partition
 * key is the caller's `email` claim from the JWT authorizer, never a client-supplied value, so a user
 * can only read their own leases.
 */
export type LeaseStatusRequest = APIGatewayProxyEventV2WithJWTAuthorizer;

const PATHS = { userEmail: 'requestContext.authorizer.jwt.claims.email', uuid: 'pathParameters.uuid' } as const;

/** Takes the key from the JWT's `email` claim and the `{uuid}` path parameter. */
export const fromHttpApiRequest: LeaseKeyExtractor<LeaseStatusRequest> = (request) => {
  const claims = ['requestContext', 'authorizer', 'jwt', 'claims'].reduce<unknown>(ownField, request);
  return {
    userEmail: ownField(claims, 'email'),
    uuid: ownField(ownField(request, 'pathParameters'), 'uuid'),
    paths: PATHS,
  };
};

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The table cannot help now (failed, breaker open, no time): tell the client to come back. */
const unavailable = (reason: string): APIGatewayProxyResultV2 =>
  json(503, { message: 'Lease lookup unavailable, try again later', reason }, { 'retry-after': '30' });

/** The thin handler: the enrichment outcome as an HTTP answer. */
export const leaseStatus = (_request: LeaseStatusRequest, context: LeaseEnrichmentContext): APIGatewayProxyResultV2 => {
  const { leaseEnrichment: outcome, lease } = context;
  switch (outcome.status) {
    case 'enriched':
    case 'not-found':
      return lease ? json(200, { lease: leaseSummary(lease) }) : json(404, { message: 'No such lease' });
    case 'skipped':
      return outcome.reason === 'invalid-lease-key'
        ? json(400, { message: 'A lease uuid in the path and an email claim are required' })
        : unavailable(outcome.reason);
    case 'failed':
      return unavailable(outcome.reason);
  }
};

/** Builds the lease status API handler from the same dependencies as the notification handler. */
export const createLeaseStatusHandler = ({ logger, metrics, knownFingerprints, ...enrichment }: NotificationHandlerDependencies) =>
  middy<LeaseStatusRequest, APIGatewayProxyResultV2, Error, LeaseEnrichmentContext, LeaseInternal>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .use(leaseKey({ logger, extract: fromHttpApiRequest }))
    .use(leaseEnrichment({ logger, ...enrichment }))
    .use(enrichmentReport({ logger, metrics, knownFingerprints }))
    .handler(leaseStatus);

export const handler = createLeaseStatusHandler({
  logger: createLogger(),
  metrics: createMetrics(),
  client: createLeaseDocumentClient(),
});
