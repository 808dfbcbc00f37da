/**
 * Reading the answers of the auth server's endpoints (token, device code, refresh; internal to
 * `@codex-ts/login`), as the original's `codex-rs/login` error paths do.
 */
import { httpReasonPhrase } from '@codex-ts/client';

/** `500 Internal Server Error` (the status and its reason phrase), or just `599` when it has none. */
export function statusWithReason(status: number): string {
  const phrase = httpReasonPhrase(status);
  return phrase ? `${status} ${phrase}` : String(status);
}

/** The answer parsed as a JSON object; `undefined` for invalid JSON or any other JSON value. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `error.message` of an OAuth-style error answer `{"error":{"message":"…"}}`, when a string. */
export function errorObjectMessage(json: Record<string, unknown> | undefined): string | undefined {
  const error = json?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}
