// Answering one HTTP request with one scenario step.

import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import * as zlib from 'node:zlib';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { decompress as zstdDecompressPure } from 'fzstd';
import { chunkBytes, classifySseEvent, renderSseEvent } from '../events/sse.js';
import type { ErrorStep, SseStep, Step } from '../scenario/types.js';
import { sleep, untilAborted } from './recording.js';

/** Undo a request `content-encoding`; returns the input unchanged when it cannot. */
export function decodeBody(bytes: Buffer, encoding: string | undefined): Buffer {
  if (!encoding || bytes.length === 0) return bytes;
  try {
    switch (encoding.trim().toLowerCase()) {
      case 'gzip':
        return gunzipSync(bytes);
      case 'deflate':
        return inflateSync(bytes);
      case 'br':
        return brotliDecompressSync(bytes);
      case 'zstd': {
        const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
        // Node 20's zlib has no zstd: fall back to a pure-JS decoder.
        return zstd ? zstd(bytes) : Buffer.from(zstdDecompressPure(bytes));
      }
      default:
        return bytes;
    }
  } catch {
    return bytes;
  }
}

/** Send a JSON body with `status`. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, step: ErrorStep): void {
  const body =
    step.body ??
    ({
      error: { type: 'server_error', code: null, message: `responses-server: scripted ${step.status} error` },
    } as object);
  if (typeof body === 'string') {
    res.writeHead(step.status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      ...step.headers,
    });
    res.end(body);
    return;
  }
  sendJson(res, step.status, body, step.headers);
}

function writeChunk(res: ServerResponse, chunk: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || res.destroyed) return resolve();
    // Resolve once the chunk has been handed to the kernel, or when the client goes away.
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    res.write(chunk, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

async function destroyAfterFlush(socket: Socket | null): Promise<void> {
  if (!socket || socket.destroyed) return;
  if (socket.writableLength > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      socket.once('drain', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  socket.destroy();
}

async function streamSse(res: ServerResponse, step: SseStep, signal: AbortSignal): Promise<void> {
  res.writeHead(step.status ?? 200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    ...step.headers,
  });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  const events = step.events;
  for (let i = 0; i <= events.length; i++) {
    if (signal.aborted) return;
    if (step.dropAfter !== undefined && i >= step.dropAfter) {
      await destroyAfterFlush(res.socket);
      return;
    }
    if (step.stallAfter !== undefined && i >= step.stallAfter) {
      await untilAborted(signal);
      return;
    }
    const event = events[i];
    if (event === undefined) break;
    const delayMs = classifySseEvent(event).delayMs;
    if (delayMs) await sleep(delayMs, signal);
    const chunks = chunkBytes(renderSseEvent(event), step.chunking);
    for (const chunk of chunks) {
      if (signal.aborted) return;
      await writeChunk(res, chunk, signal);
    }
  }
  if (!signal.aborted) res.end();
}

/**
 * Answer `res` with `step`. Resolves when the answer is complete, the connection is dropped as
 * scripted, or the client/server closes the connection (stall, hang).
 */
export async function runHttpStep(res: ServerResponse, step: Step, signal: AbortSignal): Promise<void> {
  switch (step.kind) {
    case 'error':
      sendError(res, step);
      return;
    case 'hang':
      await untilAborted(signal);
      return;
    case 'sse':
      await streamSse(res, step, signal);
      return;
  }
}

/** A one-line description of a step for logs, e.g. `sse 200 (12 events)`. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'error':
      return `error ${step.status}`;
    case 'hang':
      return 'hang';
    case 'sse': {
      let s = `sse ${step.status ?? 200} (${step.events.length} events`;
      if (step.dropAfter !== undefined) s += `, drop after ${step.dropAfter}`;
      if (step.stallAfter !== undefined) s += `, stall after ${step.stallAfter}`;
      return `${s})`;
    }
  }
}
