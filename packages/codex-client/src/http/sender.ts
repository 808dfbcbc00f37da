/**
 * The two ways {@link HttpTransport} sends a request: its own `node:http` / `node:https` sender
 * (`node-sender.ts`, the default) and a caller's undici-style dispatcher (here). Both hand back the
 * status, the response headers and the body as a Node `Readable`; the transport does the rest
 * (deadlines, error mapping, body iteration) the same way for both.
 */
import type { Readable } from 'node:stream';
import type { ResponseHeaders } from '../errors/transport-error.js';
import type { HttpRequest } from './types.js';

/** A response body as both senders deliver it. */
export type BodyStream = Readable & AsyncIterable<Uint8Array>;

/** A response whose headers arrived; the body is still to be read. */
export interface Exchange {
  status: number;
  headers: ResponseHeaders;
  body: BodyStream;
}

/**
 * Sends one request. Rejects with the library's own error (the transport classifies it); `signal`
 * aborts the request and, once the response arrived, its body.
 */
export interface Sender {
  send(req: HttpRequest, url: URL, signal: AbortSignal): Promise<Exchange>;
  /** Waits for requests in flight, then closes idle connections (a caller's dispatcher is left open). */
  close(): Promise<void>;
}

/** The options {@link HttpTransport} passes to {@link HttpDispatcher.request}. */
export interface HttpDispatcherRequest {
  /** `protocol://host[:port]` of the URL. */
  origin: string;
  /** Path and query of the URL. */
  path: string;
  /** `HttpRequest.method`. */
  method: string;
  /** `HttpRequest.headers` as given (insertion order, names as given). */
  headers: Record<string, string>;
  /** `HttpRequest.body` (a string is UTF-8), or null. */
  body: string | Uint8Array | null;
  /** Aborted on the caller's abort, the deadline or the headers timeout; also ends the body. */
  signal: AbortSignal;
  /** Always 0 (off): the transport's own deadlines decide. */
  headersTimeout: number;
  /** Always 0 (off). */
  bodyTimeout: number;
}

/** What {@link HttpDispatcher.request} resolves with (undici's `Dispatcher.ResponseData`). */
export interface HttpDispatcherResponse {
  /** The HTTP status. */
  statusCode: number;
  /** Lower-cased names; a repeated header as an array. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as a Node `Readable` of byte chunks. */
  body: Readable;
}

/**
 * The part of an undici `Dispatcher` (`Agent`, `Pool`, `ProxyAgent`, `EnvHttpProxyAgent`, …) that
 * {@link HttpTransport} uses: its promise form of `request()`. The transport imports no undici for it;
 * a caller that wants undici (e.g. for a proxy) passes its own.
 */
export interface HttpDispatcher {
  /** Sends one request; resolves when the response headers arrived, rejects with the library's error. */
  request(options: HttpDispatcherRequest): Promise<HttpDispatcherResponse>;
}

/** Lower-cased names, repeated values joined with `", "`. */
function joinHeaders(raw: Record<string, string | string[] | undefined>): ResponseHeaders {
  const entries: [string, string][] = [];
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    entries.push([name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value]);
  }
  return Object.fromEntries(entries);
}

/** Sends through a caller's undici-style dispatcher, which it never closes. */
export class DispatcherSender implements Sender {
  constructor(private readonly dispatcher: HttpDispatcher) {}

  async send(req: HttpRequest, url: URL, signal: AbortSignal): Promise<Exchange> {
    const response = await this.dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.body ?? null,
      signal,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    return {
      status: response.statusCode,
      headers: joinHeaders(response.headers),
      body: response.body as BodyStream,
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
