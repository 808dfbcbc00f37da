import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completed, responseCreated } from '../events/builders.js';
import { sseBody } from '../events/sse.js';
import { ScenarioError } from '../scenario/validate.js';
import type { ResponsesServer } from '../server/server.js';
import { runCli, UsageError } from './main.js';

let dir: string;
const servers: ResponsesServer[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'responses-server-cli-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

function captureIo() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: (t: string) => {
        out.stdout += t;
      },
      stderr: (t: string) => {
        out.stderr += t;
      },
    },
  };
}

describe('responses-server CLI', () => {
  it('serves a scenario file, prints the URL and logs requests', async () => {
    const file = join(dir, 's.json');
    await writeFile(
      file,
      JSON.stringify({ steps: [{ kind: 'sse', events: [responseCreated('r'), completed('r')] }] }),
    );
    const { out, io } = captureIo();
    const server = (await runCli(['--scenario', file, '--port', '0', '--host', '127.0.0.1'], io))!;
    servers.push(server);
    expect(out.stdout).toBe(`listening ${server.url}\n`);
    const res = await fetch(`${server.url}/responses`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(5000),
    });
    expect(await res.text()).toBe(sseBody([responseCreated('r'), completed('r')]));
    expect(out.stderr).toMatch(/^\S+ POST \/v1\/responses → step 0: sse 200 \(2 events\)\n$/);
  });

  it('loads the bundled demo scenario, including its ws part', async () => {
    const demo = fileURLToPath(new URL('../../scenarios/demo.json', import.meta.url));
    const { io } = captureIo();
    const server = (await runCli(['-s', demo], io))!;
    servers.push(server);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server.url}/responses`, {
        method: 'POST',
        body: '{}',
        signal: AbortSignal.timeout(5000),
      });
      const text = await res.text();
      expect(text).toContain('response.reasoning_summary_text.delta');
      expect(text).toContain('"usage":{"input_tokens":1843');
    }
  });

  it("serves HTTPS with --tls-ca (CA written there) and the scenario file's chatgpt routes", async () => {
    const file = join(dir, 'chatgpt.json');
    const caFile = join(dir, 'ca.pem');
    await writeFile(
      file,
      JSON.stringify({
        steps: [],
        chatgpt: { models: { replies: [{ headers: { etag: '"e1"' }, body: { models: [] } }] } },
      }),
    );
    const { out, io } = captureIo();
    const server = (await runCli(['--scenario', file, '--tls-ca', caFile], io))!;
    servers.push(server);
    expect(out.stdout).toBe(`listening https://127.0.0.1:${server.port}/v1\n`);
    const ca = await readFile(caFile, 'utf8');
    expect(ca).toBe(server.caCert);
    const answer = await new Promise<{ etag: unknown; text: string }>((resolve, reject) => {
      const req = httpsGet(
        `${server.codexBaseUrl}/models?client_version=0.1.0`,
        { ca, timeout: 5000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ etag: res.headers.etag, text: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('client timeout')));
      req.on('error', reject);
    });
    expect(answer).toEqual({ etag: '"e1"', text: '{"models":[]}' });
    expect(out.stderr).toMatch(
      /^\S+ GET \/backend-api\/codex\/models\?client_version=0\.1\.0 → models reply 0: json 200\n$/,
    );
  });

  it('rejects bad arguments and bad files with clear errors', async () => {
    const { io, out } = captureIo();
    await expect(runCli([], io)).rejects.toThrow(UsageError);
    await expect(runCli(['--scenario', 'x', '--port', 'abc'], io)).rejects.toThrow(/invalid --port "abc"/);
    await expect(runCli(['--nope'], io)).rejects.toThrow(UsageError);
    await expect(runCli(['--scenario', join(dir, 'missing.json')], io)).rejects.toThrow(
      /cannot read scenario file/,
    );
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"steps": [');
    await expect(runCli(['--scenario', bad], io)).rejects.toThrow(/invalid JSON/);
    await writeFile(bad, JSON.stringify({ steps: [{ kind: 'sse', events: [] }], ws: { responses: 1 } }));
    await expect(runCli(['--scenario', bad], io)).rejects.toThrow(ScenarioError);
    await expect(runCli(['--scenario', bad], io)).rejects.toThrow(
      /scenario\.ws\.responses: expected an array/,
    );
    await writeFile(bad, JSON.stringify({ steps: [], chatgpt: { token: { replies: [{ status: 'x' }] } } }));
    await expect(runCli(['--scenario', bad], io)).rejects.toThrow(
      /scenario\.chatgpt\.token\.replies\[0\]\.status: expected an HTTP status/,
    );
    expect(await runCli(['--help'], io)).toBeUndefined();
    expect(out.stdout).toContain('usage: responses-server');
  });
});
