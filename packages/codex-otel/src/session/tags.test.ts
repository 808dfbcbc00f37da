import { describe, expect, it } from 'vitest';
import { boundedOriginatorTagValue, sanitizeMetricTagValue } from './tags.js';

describe('metric tag helpers', () => {
  it('sanitizes tag values', () => {
    expect(sanitizeMetricTagValue('gpt-5.1-codex')).toBe('gpt-5.1-codex');
    expect(sanitizeMetricTagValue('0.154.0+build.1')).toBe('0.154.0+build.1');
    expect(sanitizeMetricTagValue('a b\nc"d')).toBe('a_b_c_d');
    expect(sanitizeMetricTagValue('   ')).toBe('unspecified');
    expect(sanitizeMetricTagValue('x'.repeat(300))).toHaveLength(256);
  });

  it('bounds originators to the known list', () => {
    expect(boundedOriginatorTagValue('codex_exec')).toBe('codex_exec');
    expect(boundedOriginatorTagValue('codex_cli_rs')).toBe('codex_cli_rs');
    expect(boundedOriginatorTagValue('codex_ts')).toBe('codex_ts');
    expect(boundedOriginatorTagValue('someone-else')).toBe('other');
  });
});
