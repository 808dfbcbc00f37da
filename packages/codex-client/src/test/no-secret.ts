// Test helper: every text an error can be shown as must be free of the given secrets.
import { inspect } from 'node:util';
import { expect } from 'vitest';

/** `String(error)`, `util.inspect` (hidden fields, deep) and each message and stack of the cause chain. */
export function errorTexts(error: unknown): string[] {
  const texts = [String(error), inspect(error, { depth: 20, showHidden: true })];
  for (let e: unknown = error, i = 0; e instanceof Error && i < 20; e = e.cause, i++) {
    texts.push(e.message, e.stack ?? '');
  }
  return texts;
}

/** Fails when any of {@link errorTexts} contains one of `secrets`. */
export function expectNoSecret(error: unknown, ...secrets: string[]): void {
  for (const text of errorTexts(error)) for (const secret of secrets) expect(text).not.toContain(secret);
}
