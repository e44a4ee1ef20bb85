import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { pagePath, renderedPage } from '../../../scripts/lease-model-doc.js';
import { LEASE_FIELDS, LEASE_STATUSES } from '../../../src/lease.js';

describe('docs/lease-model.md', () => {
  it('is up to date with the model in src/lease-model.ts (npm run build:docs regenerates it)', () => {
    const page = readFileSync(pagePath, 'utf8');

    expect(page).toBe(renderedPage(page));
  });

  it('names every status and every field of the model', () => {
    const page = readFileSync(pagePath, 'utf8');

    for (const name of [...LEASE_STATUSES, ...Object.keys(LEASE_FIELDS)]) expect(page).toContain(`\`${name}\``);
  });
});
