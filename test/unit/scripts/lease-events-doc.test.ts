import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { pagePath, renderedPage } from '../../../scripts/lease-events-doc.js';
import { LEASE_EVENT_DETAIL_TYPES } from '../../../src/events.js';
import { LEASE_EVENTS } from '../../../src/lease-events/index.js';

describe('docs/lease-events.md', () => {
  it('is up to date with the description in src/lease-events/ (npm run build:docs regenerates it)', () => {
    const page = readFileSync(pagePath, 'utf8');

    expect(page).toBe(renderedPage(page));
  });

  it('names every detail-type, its ISB schema file and every fact', () => {
    const page = readFileSync(pagePath, 'utf8');

    for (const type of LEASE_EVENT_DETAIL_TYPES) {
      expect(page).toContain(`### ${type}`);
      expect(page).toContain(`\`${LEASE_EVENTS[type].schema}\``);
      for (const fact of Object.keys(LEASE_EVENTS[type].facts)) expect(page).toContain(`\`${fact}\``);
    }
  });
});
