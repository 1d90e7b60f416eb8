// The `kernel` run parameter: a release as text, from 4.9 on; a JSON number is refused, since
// 5.10 as a number is 5.1 and would silently run another release.
import { describe, expect, it } from 'vitest';
import { ConfigError, PARAM_BY_NAME, parseParamValue } from '../../../src-shared/config.js';

const kernel = PARAM_BY_NAME.get('kernel')!;

describe('the kernel parameter', () => {
  it('takes a release as text', () => {
    expect(parseParamValue(kernel, '5.10')).toBe('5.10');
    expect(parseParamValue(kernel, ' 6.1.20 ')).toBe('6.1.20');
  });

  it('refuses a number, naming the field and why', () => {
    expect(() => parseParamValue(kernel, 5.1)).toThrow(ConfigError);
    expect(() => parseParamValue(kernel, 5.1)).toThrow(/^kernel: expected a Linux release as text.*5\.10 is 5\.1/);
    expect(() => parseParamValue(kernel, true)).toThrow(/^kernel: expected a Linux release as text/);
  });

  it('refuses releases before 4.9 and text that is no release', () => {
    expect(() => parseParamValue(kernel, '4.4')).toThrow(/^kernel: the lab models releases from 4\.9/);
    expect(() => parseParamValue(kernel, 'latest')).toThrow(/^kernel: expected a Linux release such as 5\.15/);
  });
});
