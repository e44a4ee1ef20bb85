import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { leaseSummary } from '../lease.js';
import { enrichmentReport } from '../middleware/enrichment-report/index.js';
import { createLeaseDocumentClient, leaseEnrichment } from '../middleware/lease-enrichment/index.js';
import { type LeaseKeyExtractor, leaseKey, ownField } from '../middleware/lease-key/index.js';
import type { LeaseEnrichmentContext, LeaseInternal } from '../middleware/types.js';
import { createLogger, createMetrics } from '../observability.js';
import type { NotificationHandlerDependencies } from './notification.js';

/**
 * `GET /leases/{uuid}` for the signed-in user: the same three lease middlewares as the notification
 * handler, with a key taken from an HTTP API request instead of an EventBridge event. The partition
 * key is the caller's `email` claim from the JWT authorizer, never a client-supplied value, and only
 * when the token says the address is verified, so a user can only read their own leases.
 */
export type LeaseStatusRequest = APIGatewayProxyEventV2WithJWTAuthorizer;

const CLAIMS = 'requestContext.authorizer.jwt.claims';
const PATHS = { userEmail: `${CLAIMS}.email`, uuid: 'pathParameters.uuid' } as const;

const claimsOf = (request: unknown): unknown => CLAIMS.split('.').reduce<unknown>(ownField, request);

/**
 * Whether the identity provider vouches for the `email` claim. A Cognito ID token carries the
 * boolean `email_verified: true`; an HTTP API's JWT authorizer hands claims to Lambda as strings,
 * so there it arrives as `"true"`. Anything else, absence included, is unverified: an address nobody
 * verified could be anyone's.
 *
 * @example
 * hasVerifiedEmail(request); // true for { email_verified: 'true' } or { email_verified: true }
 */
export const hasVerifiedEmail = (request: LeaseStatusRequest): boolean => {
  const verified = ownField(claimsOf(request), 'email_verified');
  return verified === true || verified === 'true';
};

/**
 * Takes the key from the JWT's `email` claim and the `{uuid}` path parameter; none at all unless
 * the email is verified.
 *
 * @example
 * fromHttpApiRequest(request); // => { userEmail, uuid, paths } or { field, problem: 'unverified' }
 */
export const fromHttpApiRequest: LeaseKeyExtractor<LeaseStatusRequest> = (request) => {
  if (!hasVerifiedEmail(request)) return { field: `${CLAIMS}.email_verified`, problem: 'unverified' };
  const claims = claimsOf(request);
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

/**
 * The table cannot help now (failed, breaker open, no time): tell the client to come back. The
 * reason stays in the logs; error names such as `AccessDeniedException` say too much to a caller.
 */
const unavailable = (): APIGatewayProxyResultV2 => json(503, { message: 'lease lookup unavailable' }, { 'retry-after': '30' });

/**
 * The thin handler: the enrichment outcome as an HTTP answer.
 *
 * @example
 * leaseStatus(request, context); // => { statusCode: 200, body: '{"lease":{...}}', ... }
 */
export const leaseStatus = (request: LeaseStatusRequest, context: LeaseEnrichmentContext): APIGatewayProxyResultV2 => {
  if (!hasVerifiedEmail(request)) return json(403, { message: 'A verified email address is required' });
  const { enrichment: outcome, lease } = context;
  switch (outcome.status) {
    case 'enriched':
    case 'not-found':
      return lease ? json(200, { lease: leaseSummary(lease) }) : json(404, { message: 'No such lease' });
    case 'skipped':
      return outcome.reason === 'invalid-lease-key'
        ? json(400, { message: 'A lease uuid in the path and an email claim are required' })
        : unavailable();
    case 'failed':
      return unavailable();
  }
};

/**
 * Builds the lease status API handler from the same dependencies as the notification handler.
 *
 * @example
 * export const handler = createLeaseStatusHandler({ logger, metrics, client });
 */
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
