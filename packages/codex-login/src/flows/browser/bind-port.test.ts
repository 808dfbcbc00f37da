import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FlowFixture, flowFixture } from '../../test-support/flows.js';
import { startBrowserLogin } from './browser-login.js';

let fx: FlowFixture;
const holders: Server[] = [];
beforeEach(async () => {
  fx = await flowFixture();
});
afterEach(async () => {
  for (const s of holders.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await fx.close();
});

/** A foreign server on a free port that records the paths it was asked for. */
async function holder(): Promise<{ port: number; paths: string[]; raw: string[] }> {
  const paths: string[] = [];
  const raw: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    raw.push(req.rawHeaders.join('|'));
    res.end('busy');
  });
  holders.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, paths, raw };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const base = () => ({ codexHome: fx.home, issuer: fx.issuer.url, transport: fx.transport, env: {} });

describe('callback port taken (§1.9)', () => {
  it('sends one GET /cancel to the holder, then falls back to the second port and completes there', async () => {
    const busy = await holder();
    const fallback = await freePort();
    const login = await startBrowserLogin({ ...base(), ports: [busy.port, fallback] });
    expect(login.port).toBe(fallback);
    expect(login.authorizeUrl).toContain(encodeURIComponent(`http://127.0.0.1:${fallback}/auth/callback`));
    expect(busy.paths).toEqual(['/cancel']);
    expect(busy.raw[0]).toBe(`Host|127.0.0.1:${busy.port}|Connection|close`);
    const callback = await fx.browse((await fx.browse(login.authorizeUrl)).location ?? '');
    await fx.browse(callback.location ?? '');
    await expect(login.result).resolves.toMatchObject({ accountId: 'acct-fake-0000' });
  }, 15_000);

  it('fails with "Port 127.0.0.1:<fallback> is already in use" when both ports stay busy', async () => {
    const first = await holder();
    const second = await holder();
    await expect(startBrowserLogin({ ...base(), ports: [first.port, second.port] })).rejects.toMatchObject({
      code: 'port_in_use',
      message: `Port 127.0.0.1:${second.port} is already in use`,
    });
    expect(first.paths).toEqual(['/cancel']);
    expect(second.paths).toEqual([]);
  }, 15_000);

  it('cancels an earlier login holding the port and takes the port over', async () => {
    const port = await freePort();
    const fallback = await freePort();
    const earlier = await startBrowserLogin({ ...base(), ports: [port, fallback] });
    expect(earlier.port).toBe(port);
    const later = await startBrowserLogin({ ...base(), ports: [port, fallback] });
    await expect(earlier.result).rejects.toMatchObject({ code: 'cancelled', message: 'Login cancelled' });
    expect(later.port).toBe(port);
    later.cancel();
    await later.result.catch(() => undefined);
  }, 15_000);
});
