import { LEASE_KEY_LIMITS } from '../../lease.js';

/**
 * JSON Schema of a lease key as DynamoDB accepts it: both fields strings, non-empty, well-formed
 * Unicode and within the key size limits. `minBytes`, `maxBytes` and `wellFormed` are keywords of
 * ours (UTF-8 bytes, not characters, are what DynamoDB limits).
 *
 * Compiled at build time by `npm run build:schemas` into `validate-lease-key.generated.js`, so that
 * neither Ajv nor schema compilation is on the Lambda's cold-start path.
 */
export const leaseKeySchema = {
  $id: 'LeaseKey',
  type: 'object',
  required: ['userEmail', 'uuid'],
  properties: {
    userEmail: {
      type: 'string',
      minBytes: 1,
      maxBytes: LEASE_KEY_LIMITS.userEmail.maxBytes,
      wellFormed: true,
    },
    uuid: {
      type: 'string',
      minBytes: 1,
      maxBytes: LEASE_KEY_LIMITS.uuid.maxBytes,
      wellFormed: true,
    },
  },
} as const;
