import { ApiError } from '@codex-ts/api';
import { expect } from 'vitest';

/**
 * Awaits `promise` and returns the `ApiError` it rejects with; fails the test when it resolves
 * ("expected a rejection") or rejects with anything else.
 */
export async function apiRejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(ApiError.isInstance(error)).toBe(true);
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}
