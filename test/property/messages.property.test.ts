import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { renderMessages, TEMPLATES } from '../../src/messages/index.js';

const DETAIL_TYPES = [...new Set([...TEMPLATES.keys()].map((id) => id.split('.')[0] ?? id))];
const REASONS = [
  'BudgetExceeded',
  'Expired',
  'ManuallyFrozen',
  'ManuallyTerminated',
  'AccountQuarantined',
  'Ejected',
  'ProvisioningFailed',
  'Other',
];

// Markup characters only, so that no value can spell the words the test looks for.
const markup = fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", ' ', '/', '1') });

/** Any JSON value, with strings that try to open a tag. */
const hostile = fc.oneof(
  markup.map((text) => `<x-tag>${text}`),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const facts = fc.record(
  {
    accountId: hostile,
    budget: hostile,
    totalSpend: hostile,
    budgetThresholdTriggered: hostile,
    comments: hostile,
    approvedBy: hostile,
    deniedBy: hostile,
    blueprintName: hostile,
    maxBudget: hostile,
    reason: fc.oneof(hostile, fc.record({ type: fc.constantFrom(...REASONS), comment: hostile, budget: hostile, totalSpend: hostile })),
  },
  { requiredKeys: [] },
);

describe('messages for any event', () => {
  it('never let a value open a tag in the HTML, and never fail to render', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DETAIL_TYPES),
        facts,
        markup.map((name) => `<x-tag>${name}`),
        (detailType, eventFacts, templateName) => {
          const messages = renderMessages(
            { detailType, facts: eventFacts, consistency: 'consistent', lease: { originalLeaseTemplateName: templateName } },
            { timeZone: 'UTC' },
          );
          for (const message of messages) {
            expect(message.html).not.toContain('<x-tag>');
            expect(message.subject).not.toMatch(/undefined|NaN|\[object Object\]/);
            expect(message.text).not.toMatch(/undefined|NaN|\[object Object\]/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
