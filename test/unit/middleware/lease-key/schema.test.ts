import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { compileLeaseKeyValidator, generatedPath } from '../../../../scripts/compile-schemas.js';

describe('the compiled lease key validator', () => {
  it('is up to date with the schema (npm run build:schemas regenerates it)', () => {
    expect(readFileSync(generatedPath, 'utf8')).toBe(compileLeaseKeyValidator());
  });

  it('loads no Ajv at run time', () => {
    expect(readFileSync(generatedPath, 'utf8')).not.toMatch(/\b(require|import)\b[^\n]*ajv/);
  });
});
