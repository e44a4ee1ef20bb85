import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import {
  createLeaseDocumentClient,
  createLogger,
  createMetrics,
  type EnrichmentReportOptions,
  enrichmentReport,
  type LeaseEnrichmentContext,
  type LeaseEnrichmentOptions,
  type LeaseKeyExtractor,
  leaseEnrichment,
  leaseKey,
  leaseSummary,
} from 'lease-enrichment';

/**
 * `GET /leases/{uuid}` for the signed-in user, built from the lease middlewares with a key taken from
 * an HTTP API request instead of an EventBridge event. The partition key is the caller's `email`
 * claim from the JWT authorizer, never a client-supplied value, and only when the token says the
 * address is verified, so a user can only read their own leases.
 */
export type LeaseStatusRequest = APIGatewayProxyEventV2WithJWTAuthorizer;

/** Why a request was refused before any lookup: this example's own verdict, logged as leaseKey logs its problems. */
export interface UnverifiedEmail {
  readonly field: typeof EMAIL_VERIFIED;
  readonly problem: 'unverified';
}

const CLAIMS = 'requestContext.authorizer.jwt.claims';
const EMAIL_VERIFIED = `${CLAIMS}.email_verified`;

/** A field of an object, only when it is the object's own: request input can carry anything. */
const own = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;

const claimsOf = (request: unknown): unknown => CLAIMS.split('.').reduce<unknown>(own, request);

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
  const verified = own(claimsOf(request), 'email_verified');
  return verified === true || verified === 'true';
};

/**
 * Takes the key from the JWT's `email` claim and the `{uuid}` path parameter.
 *
 * @example
 * fromHttpApiRequest(request); // => { userEmail, uuid, paths }
 */
export const fromHttpApiRequest: LeaseKeyExtractor<LeaseStatusRequest> = (request) => ({
  userEmail: own(claimsOf(request), 'email'),
  uuid: own(own(request, 'pathParameters'), 'uuid'),
  paths: { userEmail: `${CLAIMS}.email`, uuid: 'pathParameters.uuid' },
});

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * Answers 403, with a WARN line, before any lookup when the email is not verified. Middy skips the
 * rest of the chain on a response from `before`; placed before `logMetrics`, it leaves no metrics open.
 *
 * @example
 * middy().use(injectLambdaContext(logger)).use(verifiedEmailOnly(logger)).use(logMetrics(metrics));
 */
export const verifiedEmailOnly = (logger: Pick<Logger, 'warn'>): MiddlewareObj<LeaseStatusRequest, APIGatewayProxyResultV2> => ({
  before: function verifiedEmailOnlyBefore({ event }) {
    if (hasVerifiedEmail(event)) return undefined;
    const problems: UnverifiedEmail[] = [{ field: EMAIL_VERIFIED, problem: 'unverified' }];
    logger.warn('Email not verified; lease lookup refused', { problems });
    return json(403, { message: 'A verified email address is required' });
  },
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
export const leaseStatus = (_request: LeaseStatusRequest, context: LeaseEnrichmentContext): APIGatewayProxyResultV2 => {
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

/** What the handler is built from: one Logger, one Metrics, and the enrichment's options. */
export type LeaseStatusDependencies = Omit<LeaseEnrichmentOptions, 'logger'> &
  Pick<EnrichmentReportOptions, 'knownFingerprints'> & { logger: Logger; metrics: Metrics };

/**
 * Builds the lease status API handler.
 *
 * @example
 * export const handler = createLeaseStatusHandler({ logger, metrics, client });
 */
export const createLeaseStatusHandler = ({ logger, metrics, knownFingerprints, ...enrichment }: LeaseStatusDependencies) =>
  middy<LeaseStatusRequest, APIGatewayProxyResultV2, Error, LeaseEnrichmentContext>()
    .use(injectLambdaContext(logger))
    .use(verifiedEmailOnly(logger))
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
