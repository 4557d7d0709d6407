import { describe, expect, it } from 'vitest';
import { checkHttpBaseUrl } from '../../../lib/arazzo/base-url.ts';

describe('checkHttpBaseUrl', () => {
  it('accepts http and https, and names the problem otherwise', () => {
    // Act
    const results = ['https://a.example/v1', 'ftp://a.example', 'not a url'].map(checkHttpBaseUrl);
    // Assess
    expect(results[0]).toMatchObject({ ok: true, url: new URL('https://a.example/v1') });
    expect(results[1]).toEqual({ ok: false, problem: 'must use http or https' });
    expect(results[2]).toMatchObject({ ok: false, problem: 'is not a valid URL' });
  });
});
