import { describe, expect, it } from '@jest/globals';
import { createLeaseDocumentClient } from '../../../../src/middleware/lease-enrichment/document-client.js';

describe('createLeaseDocumentClient', () => {
  it('turns the SDK retries off, whatever the configuration asks', async () => {
    const client = createLeaseDocumentClient({ maxAttempts: 4, region: 'eu-west-2' });

    expect(await client.config.maxAttempts()).toBe(1);
  });
});
