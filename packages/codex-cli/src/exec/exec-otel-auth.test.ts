// `codex-ts exec --json` with `[otel]` and a ChatGPT login whose token the server rejects twice: the
// 401 recovery (refresh, then the request again) as exported telemetry, and no token anywhere in it.
import { accessToken, idToken } from '@codex-ts/login/test';
import { accountsCheck, modelsCatalog, textTurn, tokenRefreshed } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { chatgptHomes, VALID_TOKEN } from '../test-support/chatgpt-home.js';
import { EXPORTER_HEADER_SECRET, exportedBytes, otelToml, otlpReceiver } from '../test-support/otel-exec.js';
import { runCli } from '../test-support/run-cli.js';

const newHome = chatgptHomes();
const NEW_ACCESS = accessToken(3_600_000, 'at-canary-new');
const unauthorized = () => ({
  kind: 'error' as const,
  status: 401,
  body: {
    error: { message: `token expired ${VALID_TOKEN}`, type: 'invalid_request_error', code: 'token_expired' },
  },
});

describe('codex-ts exec exports a ChatGPT 401 recovery', () => {
  it('api requests 401, 401, 200; codex.auth_recovery in the turn trace; auth_mode chatgpt; no token exported', async () => {
    const got = await otlpReceiver('http/json');
    try {
      const h = await newHome({
        config: otelToml('http/json', got.endpoint),
        chatgpt: {
          accountsCheck: { replies: [accountsCheck({ id: 'acct-fake-0000' })], repeatLast: true },
          models: { replies: [modelsCatalog([])], repeatLast: true },
          token: {
            replies: [
              tokenRefreshed({ idToken: idToken(), accessToken: NEW_ACCESS, refreshToken: 'rt-canary-v2' }),
            ],
          },
        },
        server: {
          scenario: {
            steps: [
              unauthorized(),
              unauthorized(),
              { kind: 'sse', events: textTurn({ responseId: 'r1', text: 'Hi.' }) },
            ],
          },
          wsScenario: { handshakes: [{ kind: 'reject', status: 426 }], responses: [] },
        },
      });
      const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
      expect(r.code, r.stderr).toBe(0);
      const api = got
        .logs('codex.api_request')
        .map((l) => [
          l.attributes['http.response.status_code'],
          l.attributes['auth.retry_after_unauthorized'],
        ]);
      expect(api).toEqual([
        [401, false],
        [401, true],
        [200, true],
      ]);
      const recovery = got.logs('codex.auth_recovery').map((l) => l.attributes);
      expect(recovery).toMatchObject([
        { 'auth.mode': 'managed', 'auth.step': 'reload', 'auth.outcome': 'recovery_succeeded' },
        { 'auth.mode': 'managed', 'auth.step': 'refresh_token', 'auth.outcome': 'recovery_succeeded' },
      ]);
      for (const log of got.logs()) expect(log.attributes.auth_mode).toBe('chatgpt');
      // The recovery happens inside the request: its span events sit on the request span, in the turn's trace.
      const carriers = got.spans().filter((s) => s.events.some((e) => e.name === 'codex.auth_recovery'));
      expect(carriers.map((s) => s.name)).toEqual(['endpoint_session.stream_encoded_json_with']);
      const [root] = got.spans('codex.exec');
      expect(carriers[0]?.traceId).toBe(root?.traceId);
      const bytes = exportedBytes(got);
      for (const secret of [
        VALID_TOKEN,
        NEW_ACCESS,
        'rt-canary-refresh-v1',
        'rt-canary-v2',
        EXPORTER_HEADER_SECRET,
      ])
        expect(bytes).not.toContain(secret);
    } finally {
      await got.close();
    }
  });
});
