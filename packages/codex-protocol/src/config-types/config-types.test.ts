import { describe, expect, it } from 'vitest';
import {
  KNOWN_REASONING_EFFORTS,
  ReasoningEffortSchema,
  ReasoningSummarySchema,
  reasoningEffortForWire,
  ServiceTierSchema,
  VerbositySchema,
} from '../index.js';

describe('config enums', () => {
  it('ReasoningEffort accepts known and custom non-empty values', () => {
    for (const effort of [...KNOWN_REASONING_EFFORTS, 'custom-effort']) {
      expect(ReasoningEffortSchema.parse(effort)).toBe(effort);
    }
    expect(() => ReasoningEffortSchema.parse('')).toThrow('reasoning effort must be a non-empty string');
  });

  it('ultra is sent as max', () => {
    expect(reasoningEffortForWire('ultra')).toBe('max');
    expect(reasoningEffortForWire('medium')).toBe('medium');
  });

  it('summary, verbosity and service tier', () => {
    expect(ReasoningSummarySchema.options).toEqual(['auto', 'concise', 'detailed', 'none']);
    expect(VerbositySchema.options).toEqual(['low', 'medium', 'high']);
    expect(ReasoningSummarySchema.safeParse('brief').success).toBe(false);
    expect(ServiceTierSchema.parse('priority')).toBe('priority');
    expect(ServiceTierSchema.safeParse('').success).toBe(false);
  });
});
