// `codex-ts exec --json` signed in with ChatGPT against http:// base URLs (observed-cli-0.169-auth §1):
// the original only talks to an https backend; every turn failed with "workspace routing discovery
// failed", retried on WebSocket, then over HTTP after the fallback, then turn.failed, exit 1.
import { describe, expect, it } from 'vitest';
import { chatgptHomes } from '../test-support/chatgpt-home.js';
import { runCli } from '../test-support/run-cli.js';

const newHome = chatgptHomes();

describe('codex-ts exec with a ChatGPT login and http base URLs', () => {
  it('fails every attempt with "workspace routing discovery failed", sends no model request, exit 1', async () => {
    const h = await newHome({ tls: false });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    const text = 'workspace routing discovery failed';
    const notice = (n: number) =>
      JSON.stringify({ type: 'error', message: `Reconnecting... ${n}/5 (${text})` });
    expect(r.lines.slice(1)).toEqual([
      '{"type":"turn.started"}',
      ...[2, 3, 4, 5].map(notice),
      JSON.stringify({
        type: 'item.completed',
        item: {
          id: 'item_0',
          type: 'error',
          message: `Falling back from WebSockets to HTTPS transport. ${text}`,
        },
      }),
      ...[1, 2, 3, 4, 5].map(notice),
      JSON.stringify({ type: 'error', message: text }),
      JSON.stringify({ type: 'turn.failed', error: { message: text } }),
    ]);
    // Discovery refuses the http backend before sending; no model request, no upgrade.
    expect(h.trace().filter((t) => !t.endsWith('/models'))).toEqual([]);
    expect(h.readAuth()).toBe(h.authBefore);
  }, 90_000);
});
