// Process warnings seen during a test (Node emits TimeoutOverflowWarning as one when a timer is
// set beyond 2^31 - 1 ms).
import { afterEach, beforeEach } from 'vitest';

/**
 * Registers `beforeEach` / `afterEach` hooks in the calling test file that listen to
 * `process.on('warning')` while each test runs; returns the array of warnings, emptied before each
 * test.
 */
export function captureWarnings(): Error[] {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });
  return warnings;
}
