import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { contained } from '../../contained.js';
import type { LeaseKey } from '../../lease.js';
import { checkOptions, methods, ofType } from '../options.js';
import { LEASE_KEY_INTERNAL, type LeaseInternal, type LeaseKeyDecision, type LeaseKeyProblem, type LeaseLogger } from '../types.js';
import { fromEventBridgeDetail, type LeaseKeyExtractor, type LeaseKeyFields, typeName } from './extractors.js';
import validateLeaseKey, { type LeaseKeyValidationError } from './validate-lease-key.generated.js';

export interface LeaseKeyOptions<TEvent> {
  /** Where WARN lines about a bad key go: only `warn` is called, so the same logger as the others' fits. */
  logger: Pick<LeaseLogger, 'warn'> & Partial<LeaseLogger>;
  /** Finds the key fields in the event. Default: {@link fromEventBridgeDetail}. */
  extract?: LeaseKeyExtractor<TEvent>;
}

const SOURCE = 'leaseKey';

const rules = { logger: methods('warn'), extract: ofType('function') };

const toProblem = (error: LeaseKeyValidationError, fields: LeaseKeyFields): LeaseKeyProblem => {
  const name = error.keyword === 'required' ? error.params.missingProperty : error.instancePath.slice(1);
  const field = name === 'uuid' ? fields.paths.uuid : fields.paths.userEmail;
  switch (error.keyword) {
    case 'required':
      return { field, problem: 'missing' };
    case 'type':
      return { field, problem: 'not-a-string', got: typeName(name === 'uuid' ? fields.uuid : fields.userEmail) };
    case 'minBytes':
      return { field, problem: 'empty' };
    case 'maxBytes':
      return { field, problem: 'too-long', limitBytes: error.params.limit };
    default: // wellFormed: a lone surrogate cannot be stored as UTF-8
      return { field, problem: 'malformed' };
  }
};

// A bad key is an answer, not an error: the compiled schema is called directly, with no throw.
const checkKey = (fields: LeaseKeyFields): LeaseKeyDecision => {
  const key = { userEmail: fields.userEmail, uuid: fields.uuid };
  if (validateLeaseKey(key)) return { key: key as LeaseKey };
  // Ajv's contract: `errors` is set whenever the validate function returns false.
  const errors = validateLeaseKey.errors as readonly LeaseKeyValidationError[];
  return { problems: errors.map((item) => toProblem(item, fields)) };
};

/**
 * Checks the lease key fields of each event before anything asks DynamoDB for them, and tells the
 * enrichment middleware (through `request.internal[LEASE_KEY_INTERNAL]`) either the checked key or
 * why there is none. A bad key never fails the event: enrichment is skipped with a WARN line naming
 * each field and its problem (never its value); nor does a logger that throws (see `contained`).
 * Wrong options throw a `TypeError` naming the option when it is made.
 *
 * The checks run on the extracted key rather than the whole event, with a JSON Schema compiled at
 * build time (see `schema.ts`): missing, not a string, empty, over DynamoDB's key size limits
 * (2048 bytes partition, 1024 bytes sort), or not well-formed Unicode.
 *
 * The middleware's event type is the extractor's: let it type the handler (`middy()` with no event
 * type argument), and a handler written for another event does not compile.
 *
 * @example
 * middy()
 *   .use(leaseKey({ logger }))
 *   .use(leaseEnrichment({ logger }))
 *   .handler(notify);
 */
export const leaseKey = <TEvent = unknown>(
  options: LeaseKeyOptions<TEvent>,
): MiddlewareObj<TEvent, unknown, Error, Context, LeaseInternal> => {
  checkOptions(SOURCE, options, rules, ['logger']);
  const logger = contained(options.logger, ['warn'], SOURCE);
  const extract: LeaseKeyExtractor<TEvent> = options.extract ?? fromEventBridgeDetail;

  const leaseKeyBefore = (request: Request<TEvent, unknown, Error, Context, LeaseInternal>): void => {
    const found = extract(request.event);
    const decision = 'problem' in found ? { problems: [found] } : checkKey(found);
    request.internal[LEASE_KEY_INTERNAL] = decision;
    if ('problems' in decision) {
      logger.warn('Lease key invalid; enrichment skipped', {
        reason: 'invalid-lease-key',
        problems: decision.problems,
      });
    }
  };

  return { before: leaseKeyBefore };
};

export type { LeaseKeyExtractor, LeaseKeyFields } from './extractors.js';
export { fromEventBridgeDetail, ownField } from './extractors.js';
