import { describe, expect, it } from '@jest/globals';
import { EMAIL_MASK, createLogger, createMetrics, maskEmails, maskEmailsReplacer } from '../../src/observability.js';
import { captureOutput } from '../support/output.js';

describe('maskEmails', () => {
  it.each([
    ['ada.lovelace@example.gov.uk', EMAIL_MASK],
    ['lease of ada.lovelace@example.gov.uk, approved', `lease of ${EMAIL_MASK}, approved`],
    ['"a+b@x.example.gov.uk" and c@d', `"${EMAIL_MASK}" and ${EMAIL_MASK}`],
    ["o'brien!#$%&*/=?^_`{|}~-@example.gov.uk", EMAIL_MASK],
    ['no address here', 'no address here'],
    ['@ alone, or trailing@', '@ alone, or trailing@'],
  ])('masks %p', (text, masked) => {
    expect(maskEmails(text)).toBe(masked);
  });
});

describe('maskEmailsReplacer', () => {
  it('masks addresses in values and keys at any depth, and leaves the rest alone', () => {
    const value = {
      userEmail: 'ada@example.gov.uk',
      list: ['x', 'grace@example.gov.uk', 3],
      nested: { 'alan@example.gov.uk': { note: 'from katherine@example.gov.uk' } },
      count: 2,
      none: null,
    };

    const json = JSON.stringify(value, maskEmailsReplacer);

    expect(JSON.parse(json)).toEqual({
      userEmail: EMAIL_MASK,
      list: ['x', EMAIL_MASK, 3],
      nested: { [EMAIL_MASK]: { note: `from ${EMAIL_MASK}` } },
      count: 2,
      none: null,
    });
  });

  it('treats objects without a prototype like plain ones', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { 'ada@example.gov.uk': 1 });

    expect(JSON.stringify(value, maskEmailsReplacer)).toBe(`{"${EMAIL_MASK}":1}`);
  });
});

describe('createLogger and createMetrics', () => {
  it('log JSON with the service name and masked addresses, errors included', () => {
    const output = captureOutput();
    process.env.POWERTOOLS_SERVICE_NAME = 'lease-enrichment-test';
    const logger = createLogger();
    delete process.env.POWERTOOLS_SERVICE_NAME;

    logger.warn('lookup for ada@example.gov.uk', { error: new Error('no lease for grace@example.gov.uk') });
    output.restore();

    const [line] = output.logs('WARN');
    expect(line).toMatchObject({ service: 'lease-enrichment-test', message: `lookup for ${EMAIL_MASK}` });
    expect(output.text()).not.toContain('@');
  });

  it('emit metrics in the default namespace unless told otherwise', () => {
    const output = captureOutput();
    const metrics = createMetrics();
    metrics.addMetric('Probe', 'Count', 1);
    metrics.publishStoredMetrics();
    output.restore();

    expect(output.emf()[0]).toMatchObject({
      service: 'lease-enrichment',
      _aws: { CloudWatchMetrics: [{ Namespace: 'LeaseEnrichment' }] },
    });
  });
});
