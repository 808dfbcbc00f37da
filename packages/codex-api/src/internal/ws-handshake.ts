/**
 * Pieces of a WebSocket upgrade shared by the Responses and realtime WebSocket clients (internal to
 * `@codex-ts/api`): reading a non-101 answer, and mapping a failed or closed upgrade to `ApiError`.
 */
import type { IncomingMessage } from 'node:http';
import { ConnectionError } from '@codex-ts/client';
import type { ApiError } from '../errors/api-error.js';
import { apiErrorFromTransport } from '../errors/map-errors.js';
import { redactUrlIn } from './url.js';

/** Largest handshake rejection body kept for the error, in bytes (about 1 MiB: whole chunks). */
const MAX_REJECTION_BODY_BYTES = 1024 * 1024;

/** Node's response headers with repeated values joined by `, ` (names as Node gives them: lower case). */
export function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** A non-101 answer to an upgrade: status (0 when Node has none), flattened headers, UTF-8 body. */
export interface HandshakeRejection {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Reads `res` (the `unexpected-response` of `ws`) and calls `done` once, when it ends, errors or
 * is aborted, with what arrived (chunks past ~1 MiB dropped).
 */
export function readRejection(res: IncomingMessage, done: (rejection: HandshakeRejection) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const finish = (): void =>
    done({
      status: res.statusCode ?? 0,
      headers: flattenHeaders(res.headers),
      body: Buffer.concat(chunks).toString('utf8'),
    });
  res.on('data', (chunk: Buffer) => {
    if (size >= MAX_REJECTION_BODY_BYTES) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  res.once('end', finish);
  res.once('error', finish);
  res.once('aborted', finish);
}

/** A socket error during the upgrade: `connection_failed` with the message (URL redacted). */
export function handshakeSocketError(error: Error, url: string): ApiError {
  return apiErrorFromTransport(new ConnectionError(redactUrlIn(error.message, url), { cause: error }), {
    phase: 'request',
  });
}

/** The socket closed before the upgrade finished: `connection_failed` "websocket closed". */
export function handshakeClosedError(): ApiError {
  return apiErrorFromTransport(new ConnectionError('websocket closed'), { phase: 'request' });
}
