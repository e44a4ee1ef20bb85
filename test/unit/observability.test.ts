import { describe, expect, it } from '@jest/globals';
import { createLogger, createMetrics, EMAIL_MASK, findEmailAddresses, maskEmails, maskEmailsReplacer } from '../../src/observability.js';
import { captureOutput } from '../support/output.js';

describe('maskEmails', () => {
  it.each([
    ['ada.lovelace@example.gov.uk', EMAIL_MASK],
    ['lease of ada.lovelace@example.gov.uk, approved', `lease of ${EMAIL_MASK}, approved`],
    ['"a+b@x.example.gov.uk" and c@d', `"${EMAIL_MASK}" and ${EMAIL_MASK}`],
    ["o'brien!#$%&*/=?^_`{|}~-@example.gov.uk", EMAIL_MASK],
    ['no address here', 'no address here'],
    ['@ alone, or trailing@', '@ alone, or trailing@'],
    ['100% of 40 leases', '100% of 40 leases'],
  ])('masks %p', (text, masked) => {
    expect(maskEmails(text)).toBe(masked);
  });

  it.each([
    ['a quoted local part', 'from "john smith"@example.gov.uk today', `from ${EMAIL_MASK} today`],
    ['a quoted local part with an escaped quote', '"say \\"hi\\""@example.gov.uk', EMAIL_MASK],
    ['a quoted part after a dotted one', 'ada."the countess"@example.gov.uk', EMAIL_MASK],
    ['an IPv4 literal domain', 'ada@[192.168.0.1] wrote', `${EMAIL_MASK} wrote`],
    ['an IPv6 literal domain', '<ada@[IPv6:2001:DB8::1]>', `<${EMAIL_MASK}>`],
    ['a percent-encoded @', 'owner ada%40example.gov.uk', `owner ${EMAIL_MASK}`],
    [
      'a query string around a percent-encoded @, whole (over-masking costs nothing)',
      'GET /leases?owner=ada%40example.gov.uk&x=1',
      `GET ${EMAIL_MASK}`,
    ],
    ['capitals', 'ADA.LOVELACE@EXAMPLE.GOV.UK', EMAIL_MASK],
    ['a non-ASCII local part and domain', 'josé@exämple.gov.uk', EMAIL_MASK],
    ['addresses apart only by Unicode spaces', 'a@b.uk\u00a0c@d.uk\u2003e@f.uk', `${EMAIL_MASK}\u00a0${EMAIL_MASK}\u2003${EMAIL_MASK}`],
  ])('masks %s', (_case, text, masked) => {
    expect(maskEmails(text)).toBe(masked);
  });

  it.each([
    ['a quote that opens nowhere', 'said"@example.gov.uk', 'said"@example.gov.uk'],
    ['a quoted part broken by a line', '"ada\nlovelace"@example.gov.uk', '"ada\nlovelace"@example.gov.uk'],
    ['a quoted part broken by a carriage return', '"ada\rlovelace"@example.gov.uk', '"ada\rlovelace"@example.gov.uk'],
    ['an IP literal that never closes', 'ada@[192.168.0.1', 'ada@[192.168.0.1'],
    ['an empty IP literal', 'ada@[]', 'ada@[]'],
    ['a percent-encoded @ with nothing before it', '%40example.gov.uk', '%40example.gov.uk'],
  ])('leaves %s, which is no address', (_case, text, unchanged) => {
    expect(maskEmails(text)).toBe(unchanged);
  });
});

describe('where an address ends', () => {
  // As documented: anything but whitespace, control characters and these belongs to an address.
  const STOPS = new Set('@<>()[]\\,;:"');
  const endsAddress = (code: number): boolean => {
    const char = String.fromCharCode(code);
    return code < 0x80 ? code < 0x21 || code > 0x7e || STOPS.has(char) : /\s/.test(char);
  };
  const everyCodeUnit = Array.from({ length: 0x10000 }, (_, code) => code).filter((code) => code !== 0x40);

  it('takes every UTF-16 code unit into a local part but whitespace, control characters and @<>()[]\\,;:"', () => {
    const wrong = everyCodeUnit.filter((code) => {
      const char = String.fromCharCode(code);
      const expected = endsAddress(code) ? `ab${char}${EMAIL_MASK}` : EMAIL_MASK;
      return maskEmails(`ab${char}cd@example.gov.uk`) !== expected;
    });

    expect(wrong.map((code) => `U+${code.toString(16).padStart(4, '0')}`)).toEqual([]);
  });

  it('takes the same code units into a domain, and ends it at the others', () => {
    const wrong = everyCodeUnit.filter((code) => {
      const char = String.fromCharCode(code);
      const expected = endsAddress(code) ? `${EMAIL_MASK}${char}ple.gov.uk` : EMAIL_MASK;
      return maskEmails(`ada@exam${char}ple.gov.uk`) !== expected;
    });

    expect(wrong.map((code) => `U+${code.toString(16).padStart(4, '0')}`)).toEqual([]);
  });

  it('takes printable ASCII but brackets and backslash into an IP literal, which the first ] closes', () => {
    const wrong = Array.from({ length: 0x100 }, (_, code) => code).filter((code) => {
      const char = String.fromCharCode(code);
      const literal = code >= 0x21 && code <= 0x7e && !'[]\\'.includes(char);
      const text = `ada@[10.0${char}0.1] wrote`;
      const expected = literal ? `${EMAIL_MASK} wrote` : char === ']' ? `${EMAIL_MASK}0.1] wrote` : text;
      return maskEmails(text) !== expected;
    });

    expect(wrong.map((code) => `U+${code.toString(16).padStart(4, '0')}`)).toEqual([]);
  });
});

describe('findEmailAddresses', () => {
  it('finds each address as maskEmails masks it, in order', () => {
    const text = 'from "john smith"@example.gov.uk, cc ada%40example.gov.uk and GRACE@[10.0.0.1]; not @ or a@';

    expect(findEmailAddresses(text)).toEqual(['"john smith"@example.gov.uk', 'ada%40example.gov.uk', 'GRACE@[10.0.0.1]']);
    expect(maskEmails(text)).toBe(`from ${EMAIL_MASK}, cc ${EMAIL_MASK} and ${EMAIL_MASK}; not @ or a@`);
  });

  it('finds nothing in text without an @', () => {
    expect(findEmailAddresses('lease 7b2e4c1d for 168 hours')).toEqual([]);
  });
});

/**
 * 256 KB strings (an EventBridge event's limit) built to make a backtracking matcher go quadratic,
 * or a careless scanner rescan: long runs before an `@` with no domain, separators by the thousand,
 * quotes and brackets that never close.
 */
const SIZE = 256 * 1024;
const HOSTILE_SHAPES: Record<string, string> = {
  'a local part with no domain': `${'a'.repeat(SIZE - 1)}@`,
  'a domain with no local part': `@${'a'.repeat(SIZE - 1)}`,
  'a dotted run with no domain': `${'a.'.repeat(SIZE / 2 - 1)}@ `,
  'separators only': '@'.repeat(SIZE),
  'percent-encoded separators only': '%40'.repeat(SIZE / 3),
  'separators between short runs': 'a@'.repeat(SIZE / 2),
  'percent-encoded separators between short runs': 'a%40'.repeat(SIZE / 4),
  'quotes only, then an @': `${'"'.repeat(SIZE - 2)}@x`,
  'a quote that opens nowhere, after a long run': `${'a'.repeat(SIZE - 3)}"@x`,
  'quoted separators': '"@'.repeat(SIZE / 2),
  'an IP literal that never closes': `a@[${'1.'.repeat(SIZE / 2 - 2)}`,
  'IP literals that never close, repeated': 'x"@['.repeat(SIZE / 4),
  'spaces between long runs and separators': `${'a'.repeat(SIZE / 2)} ${'@b '.repeat(SIZE / 6)}`,
};

describe('maskEmails on hostile input', () => {
  // Linear time takes milliseconds here; the quadratic masker this replaced took about a minute per
  // shape. The bound is generous so that a busy machine cannot make it flake, and grows with the time
  // this machine takes to mask as much ordinary text (addresses in it), so that a slow machine, or
  // code instrumented for coverage or mutation testing, cannot either.
  const BOUND_MS = 1500;
  const ORDINARY_TIMES = 200;
  const timeToMask = (text: string): { elapsedMs: number; masked: string } => {
    const started = performance.now();
    const masked = JSON.stringify({ detail: { note: text, [text.slice(0, 64)]: 1 } }, maskEmailsReplacer);
    return { elapsedMs: performance.now() - started, masked };
  };
  const ordinaryMs = (): number =>
    Math.min(...[1, 2, 3].map(() => timeToMask('lease 7b2e4c1d of ada@example.gov.uk, 50 USD; '.repeat(SIZE / 46)).elapsedMs));

  it.each(Object.entries(HOSTILE_SHAPES))('masks 256 KB of %s in linear time', (_shape, text) => {
    const bound = Math.max(BOUND_MS, ORDINARY_TIMES * ordinaryMs());

    const { elapsedMs, masked } = timeToMask(text);

    expect(elapsedMs).toBeLessThan(bound);
    expect(masked.length).toBeGreaterThan(0);
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

  it('masks the fields known to hold an address whole, whatever they hold', () => {
    const value = {
      userEmail: 'ada at example dot gov dot uk',
      leaseId: { userEmail: 'ada', uuid: '7b2e4c1d' },
      approvedBy: 'AUTO_APPROVED',
      createdBy: 'grace',
      deniedBy: 'katherine',
      email: '',
      owner: 'ada at example dot gov dot uk',
      userEmails: ['ada'],
    };

    expect(JSON.parse(JSON.stringify(value, maskEmailsReplacer))).toEqual({
      userEmail: EMAIL_MASK,
      leaseId: { userEmail: EMAIL_MASK, uuid: '7b2e4c1d' },
      approvedBy: EMAIL_MASK,
      createdBy: EMAIL_MASK,
      deniedBy: EMAIL_MASK,
      email: EMAIL_MASK,
      owner: 'ada at example dot gov dot uk',
      userEmails: ['ada'],
    });
  });

  it('masks percent-encoded addresses in keys', () => {
    expect(JSON.stringify({ 'ada%40example.gov.uk': 1, plain: 2 }, maskEmailsReplacer)).toBe(`{"${EMAIL_MASK}":1,"plain":2}`);
  });

  it('hands back an object without address-shaped keys as it is, not a copy', () => {
    const detail = { leaseId: { uuid: '7b2e4c1d' }, 'cost%': 40, note: 'no address here' };

    expect(maskEmailsReplacer('detail', detail)).toBe(detail);
  });

  it('treats objects without a prototype like plain ones', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { 'ada@example.gov.uk': 1 });

    expect(JSON.stringify(value, maskEmailsReplacer)).toBe(`{"${EMAIL_MASK}":1}`);
  });

  it('masks the keys of a class instance, which JSON.stringify writes by its own keys too', () => {
    class Recipients {
      readonly 'ada@example.gov.uk' = 'to';
      readonly count = 1;
    }

    expect(JSON.stringify({ recipients: new Recipients() }, maskEmailsReplacer)).toBe(`{"recipients":{"${EMAIL_MASK}":"to","count":1}}`);
  });

  it('masks a boxed string, which JSON.stringify writes as its string', () => {
    const value = { note: new String('from ada@example.gov.uk'), userEmail: new String('ada') };

    expect(JSON.stringify(value, maskEmailsReplacer)).toBe(`{"note":"from ${EMAIL_MASK}","userEmail":"${EMAIL_MASK}"}`);
  });

  it('writes an array as an array, whatever other properties it carries', () => {
    const list = Object.assign(['ada@example.gov.uk', 'x'], { 'grace@example.gov.uk': 1 });

    expect(JSON.stringify({ list }, maskEmailsReplacer)).toBe(`{"list":["${EMAIL_MASK}","x"]}`);
  });

  it('leaves values with no keys to mask as they are: numbers, booleans, null, and undefined, which JSON.stringify drops', () => {
    expect(JSON.stringify({ count: 2, ok: true, none: null, gone: undefined }, maskEmailsReplacer)).toBe(
      '{"count":2,"ok":true,"none":null}',
    );
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
      service: 'lease-notifications',
      _aws: { CloudWatchMetrics: [{ Namespace: 'LeaseEnrichment' }] },
    });
  });
});
