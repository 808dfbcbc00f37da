import {
  AbortedError,
  BuildError,
  ConnectionError,
  HttpStatusError,
  NetworkError,
  StreamError,
  TimeoutError,
} from '@codex-ts/client';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import {
  apiErrorFromHttpStatus,
  apiErrorFromTransport,
  MAX_RETRY_AFTER_MS,
  statusLine,
} from './map-errors.js';

const url = 'http://127.0.0.1:1/v1/responses';

describe('apiErrorFromTransport', () => {
  it('maps non-HTTP transport errors with the original texts', () => {
    const cases: Array<[unknown, 'request' | 'stream', string, string]> = [
      [new TimeoutError('deadline'), 'request', 'request_timeout', 'request timed out'],
      [
        new ConnectionError('connect ECONNREFUSED 127.0.0.1:1'),
        'request',
        'connection_failed',
        'Connection failed: connect ECONNREFUSED 127.0.0.1:1',
      ],
      [
        new NetworkError('error decoding response body'),
        'stream',
        'stream',
        'stream disconnected before completion: Transport error: network error: error decoding response body',
      ],
      [
        new NetworkError('socket hang up'),
        'request',
        'stream',
        'stream disconnected before completion: socket hang up',
      ],
      [
        new StreamError('idle timeout waiting for SSE', { idleTimeout: true }),
        'stream',
        'stream',
        'stream disconnected before completion: idle timeout waiting for SSE',
      ],
      [new StreamError('boom'), 'stream', 'stream', 'stream disconnected before completion: boom'],
      // Anything that is not a transport error.
      [new Error('gave up'), 'request', 'stream', 'stream disconnected before completion: gave up'],
      [new BuildError('bad url'), 'request', 'stream', 'stream disconnected before completion: bad url'],
      [new AbortedError('stop'), 'stream', 'aborted', 'request aborted'],
      [
        new Error('no API key configured'),
        'request',
        'stream',
        'stream disconnected before completion: no API key configured',
      ],
    ];
    for (const [error, phase, code, message] of cases) {
      const mapped = apiErrorFromTransport(error, { phase });
      expect([mapped.code, mapped.message]).toEqual([code, message]);
      expect(mapped.cause).toBe(error);
    }
  });

  it('passes an ApiError through unchanged', () => {
    const error = new ApiError('quota_exceeded', 'x');
    expect(apiErrorFromTransport(error, { phase: 'stream' })).toBe(error);
  });

  it('keeps retryability', () => {
    expect(apiErrorFromTransport(new TimeoutError('t'), { phase: 'request' }).retryable).toBe(true);
    expect(apiErrorFromTransport(new AbortedError(), { phase: 'request' }).retryable).toBe(false);
  });
});

describe('apiErrorFromHttpStatus', () => {
  const http = (status: number, body: string, headers: Record<string, string> = {}) =>
    new HttpStatusError({ status, url, headers, body });

  it('applies the Retry-After cap on a 429 (0 ≤ delay ≤ 60 s)', () => {
    const body = JSON.stringify({ error: { type: 'requests', code: 'rate_limit_exceeded', message: 'x' } });
    expect(apiErrorFromHttpStatus(http(429, body, { 'retry-after': '3' })).retryDelayMs).toBe(3000);
    expect(apiErrorFromHttpStatus(http(429, body, { 'retry-after': '0' })).retryDelayMs).toBe(0);
    expect(apiErrorFromHttpStatus(http(429, body, { 'retry-after': '60' })).retryDelayMs).toBe(
      MAX_RETRY_AFTER_MS,
    );
    expect(apiErrorFromHttpStatus(http(429, body, { 'retry-after': '61' })).retryDelayMs).toBeUndefined();
    expect(apiErrorFromHttpStatus(http(429, body, { 'retry-after': 'later' })).retryDelayMs).toBeUndefined();
    const date = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = apiErrorFromHttpStatus(http(429, body, { 'retry-after': date })).retryDelayMs;
    expect(fromDate).toBeGreaterThan(8_000);
    expect(fromDate).toBeLessThanOrEqual(10_000);
  });

  it('uses cf-ray as the request id of a 429 when nothing better exists', () => {
    expect(apiErrorFromHttpStatus(http(429, '', { 'cf-ray': 'ray-7' })).message).toBe(
      'exceeded retry limit, last status: 429 Too Many Requests, request id: ray-7',
    );
  });

  it('carries usage-limit details from the body and headers', () => {
    const body = JSON.stringify({
      error: { type: 'usage_limit_reached', plan_type: 'pro', resets_at: 1738888888 },
    });
    const error = apiErrorFromHttpStatus(
      http(429, body, {
        'x-codex-active-limit': 'codex_other',
        'x-codex-other-primary-used-percent': '100',
        'x-codex-promo-message': '  ',
        'x-codex-rate-limit-reached-type': 'workspace_member_usage_limit_reached',
      }),
    );
    expect(error.code).toBe('usage_limit_reached');
    expect(error.planType).toBe('pro');
    expect(error.resetsAt).toBe(1738888888);
    expect(error.rateLimits).toEqual({ limitId: 'codex_other', primary: { usedPercent: 100 } });
    expect(error.promoMessage).toBeUndefined();
    expect(error.rateLimitReachedType).toBe('workspace_member_usage_limit_reached');
    expect(error.message).toBe(
      'You hit your spend cap set by the owner of your workspace. Ask an owner to increase your spend cap to continue.',
    );
    expect(error.retryable).toBe(false);
  });

  it('falls through to unexpected_status for a 503 without an overload code', () => {
    const error = apiErrorFromHttpStatus(
      http(503, JSON.stringify({ error: { message: 'maintenance' } }), { 'x-request-id': 'req_1' }),
    );
    expect(error.code).toBe('unexpected_status');
    expect(error.message).toBe(
      `unexpected status 503 Service Unavailable: maintenance, url: ${url}, request id: req_1`,
    );
    expect(error.requestId).toBe('req_1');
  });

  it('stops at once on model_not_found (400 or 404) with the API message, as 0.169.0', () => {
    const body = (code: string, message?: string) =>
      JSON.stringify({ error: { type: 'invalid_request_error', code, message } });
    for (const status of [400, 404]) {
      const error = apiErrorFromHttpStatus(
        http(status, body('model_not_found', 'The model does not exist.')),
      );
      expect([error.code, error.message, error.retryable]).toEqual([
        'invalid_request',
        'The model does not exist.',
        false,
      ]);
    }
    // Another 404 code, or model_not_found without a message: the generic (retried) unexpected status.
    expect(apiErrorFromHttpStatus(http(404, body('not_found', 'Nothing here.'))).code).toBe(
      'unexpected_status',
    );
    expect(apiErrorFromHttpStatus(http(404, body('model_not_found'))).code).toBe('unexpected_status');
  });

  it('truncates long bodies at a UTF-8 character boundary', () => {
    const error = apiErrorFromHttpStatus(http(502, `${'a'.repeat(999)}éé`));
    expect(error.message).toBe(`unexpected status 502 Bad Gateway: ${'a'.repeat(999)}..., url: ${url}`);
  });

  it('prints unknown statuses like Rust does', () => {
    expect(statusLine(599)).toBe('599 <unknown status code>');
    expect(statusLine(401)).toBe('401 Unauthorized');
  });
});
