// Shared by the sign-in flow tests: a fake HTTPS issuer, a transport trusting its CA, a temp
// CODEX_HOME, and a tiny "browser" (GET without following redirects).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpTransport } from '@codex-ts/client';
import { type FakeIssuer, startFakeIssuer } from '@codex-ts/responses-server';
import { Agent, request } from 'undici';

/** A fake issuer, a transport that trusts it, and a temp home; `close` removes everything. */
export interface FlowFixture {
  issuer: FakeIssuer;
  transport: HttpTransport;
  home: string;
  /** GETs `url` like a browser that does not follow redirects (trusts the issuer's CA). */
  browse(url: string): Promise<{
    status: number;
    location: string | undefined;
    body: string;
    headers: Record<string, unknown>;
  }>;
  close(): Promise<void>;
}

export async function flowFixture(options: { accountId?: string } = {}): Promise<FlowFixture> {
  const issuer = await startFakeIssuer({ ...options });
  const transport = new HttpTransport({ ca: issuer.caCert ?? '' });
  const home = await mkdtemp(join(tmpdir(), 'codex-flows-'));
  const agent = new Agent({ connect: { ca: issuer.caCert ?? '' } });
  return {
    issuer,
    transport,
    home,
    browse: async (url) => {
      const response = await request(url, {
        method: 'GET',
        dispatcher: agent,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const body = await response.body.text();
      const location = response.headers.location;
      return {
        status: response.statusCode,
        location: typeof location === 'string' ? location : undefined,
        body,
        headers: response.headers,
      };
    },
    close: async () => {
      await agent.close();
      await transport.close();
      await issuer.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
