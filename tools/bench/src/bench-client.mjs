// The ModelClient every client-level benchmark uses: a fixed session identity, a static key, no
// retries anywhere (so a failure stops the benchmark instead of hiding in it).
import { staticBearerAuth } from '@codex-ts/api';
import { ModelClient } from '@codex-ts/core';

/** The fixed session identity of bench clients. */
const IDENTITY = {
  installationId: '72f58e05-d55f-4096-b35a-759a281d52e5',
  sessionId: '01a2004f-b89d-7fb1-9159-4117ec46c750',
  threadId: '01a2004f-b89d-7fb1-9159-4117ec46c750',
  contextWindowId: '01a2004f-b8a4-70e0-a604-825da08eb81b',
  windowNumber: 0,
  historyInitialization: 'new',
  sandbox: 'none',
  sandboxMode: 'workspace-write',
};

/**
 * A client for `baseUrl`; no retries anywhere, so a failure stops the benchmark instead of hiding.
 * `idleTimeoutMs` (default 10 s) bounds the stream idle time and the WebSocket handshake.
 */
export function newClient(baseUrl, websocket, idleTimeoutMs = 10_000) {
  return new ModelClient({
    provider: {
      name: 'bench',
      baseUrl,
      headers: {},
      retry: {
        maxAttempts: 0,
        baseDelayMs: 1,
        retryOn: { retry429: false, retry5xx: false, retryTransport: false },
      },
      streamIdleTimeoutMs: idleTimeoutMs,
      websocketConnectTimeoutMs: idleTimeoutMs,
    },
    auth: staticBearerAuth('bench'),
    identity: IDENTITY,
    originator: 'codex_exec',
    userAgent: 'codex_exec/0.1.0 (Linux 6.8.0; x86_64) bench',
    supportsWebsockets: websocket,
  });
}
