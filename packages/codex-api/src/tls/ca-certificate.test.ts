// CODEX_CA_CERTIFICATE: reading the bundle, and HTTPS + wss to a server whose certificate only the
// test CA vouches for (observed-cli-auth §1).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpTransport } from '@codex-ts/client';
import { type ResponsesServer, startResponsesServer, textTurn } from '@codex-ts/responses-server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { ResponsesClient } from '../responses/responses-client.js';
import { testProvider, testTurnRequest } from '../test/index.js';
import { ResponsesWebsocketClient } from '../websocket/client.js';
import { CaCertificateError, readCaCertificateFromEnv } from './ca-certificate.js';

const dir = mkdtempSync(join(tmpdir(), 'codex-ca-'));
const caFile = join(dir, 'ca.pem');
let server: ResponsesServer;
beforeAll(async () => {
  server = await startResponsesServer({ tls: { caFile } });
}, 30_000);
afterAll(async () => {
  await server?.close();
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function caught(fn: () => unknown): CaCertificateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CaCertificateError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('readCaCertificateFromEnv', () => {
  it('is undefined when neither variable is set or both are empty', () => {
    expect(readCaCertificateFromEnv({})).toBeUndefined();
    expect(readCaCertificateFromEnv({ CODEX_CA_CERTIFICATE: '', SSL_CERT_FILE: '' })).toBeUndefined();
  });

  it('reads the PEM of CODEX_CA_CERTIFICATE, which wins over SSL_CERT_FILE', () => {
    const bundle = readCaCertificateFromEnv({ CODEX_CA_CERTIFICATE: caFile, SSL_CERT_FILE: '/nope' });
    expect(bundle).toMatchObject({ path: caFile, sourceEnv: 'CODEX_CA_CERTIFICATE', count: 1 });
    expect(bundle?.pem.replace(/\s/g, '')).toBe(server.caCert?.replace(/\s/g, ''));
    expect(readCaCertificateFromEnv({ SSL_CERT_FILE: caFile })?.sourceEnv).toBe('SSL_CERT_FILE');
  });

  it('keeps every certificate block of a bundle with comments and a CRL', () => {
    const cert = server.caCert as string;
    const path = write(
      'bundle.pem',
      `# corporate roots\n${cert}\n-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n${cert.replaceAll('CERTIFICATE', 'TRUSTED CERTIFICATE')}`,
    );
    const bundle = readCaCertificateFromEnv({ CODEX_CA_CERTIFICATE: path });
    expect(bundle?.count).toBe(2);
    expect(bundle?.pem).not.toContain('CRL');
    expect(bundle?.pem).not.toContain('TRUSTED');
  });

  it('writes every block as its base64 in lines of 64, whatever the line layout of the file', () => {
    const base64 = fc.stringMatching(/^[A-Za-z0-9+/=]{1,300}$/);
    // A layout: where the body is cut into lines, and what separates them.
    const anyLayout = fc.record({
      widths: fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 8 }),
      separators: fc.array(fc.constantFrom('\n', '\r\n', ' \n', '\n\t', '\n\n'), { minLength: 1 }),
      last: fc.constantFrom('\n', '\r\n', '\n\n', ' \n'),
    });
    // The layout of system bundles (64 columns, `\n`), which is used as it is.
    const layout = fc.oneof(anyLayout, fc.constant({ widths: [64], separators: ['\n'], last: '\n' }));
    fc.assert(
      fc.property(fc.array(fc.tuple(base64, layout), { minLength: 1, maxLength: 4 }), (certs) => {
        const bodies = certs.map(([data, { widths, separators, last }]) => {
          const lines: string[] = [];
          for (let at = 0, i = 0; at < data.length; i++) {
            const width = widths[i % widths.length] as number;
            lines.push(data.slice(at, at + width));
            at += width;
          }
          return lines
            .map((line, i) => line + (i === lines.length - 1 ? last : separators[i % separators.length]))
            .join('');
        });
        const path = write(
          'layout.pem',
          bodies.map((b) => `-----BEGIN CERTIFICATE-----\n${b}-----END CERTIFICATE-----\n`).join(''),
        );
        const expected = certs.map(([data]) =>
          [
            '-----BEGIN CERTIFICATE-----',
            ...(data.match(/.{1,64}/g) ?? []),
            '-----END CERTIFICATE-----',
          ].join('\n'),
        );
        expect(readCaCertificateFromEnv({ SSL_CERT_FILE: path })?.pem).toBe(`${expected.join('\n')}\n`);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    [
      'a missing file',
      join(dir, 'missing.pem'),
      'ca_certificate_unreadable',
      /Failed to read CA certificate file .*missing\.pem selected by CODEX_CA_CERTIFICATE: ENOENT/,
    ],
    [
      'a directory',
      dir,
      'ca_certificate_unreadable',
      /Failed to read CA certificate file .* selected by CODEX_CA_CERTIFICATE: EISDIR/,
    ],
    [
      'an empty file',
      write('empty.pem', ''),
      'ca_certificate_invalid',
      /Failed to load CA certificates from .*empty\.pem selected by CODEX_CA_CERTIFICATE: the file is empty\. If you set/,
    ],
    [
      'a file without PEM',
      write('junk.pem', 'not a certificate\n'),
      'ca_certificate_invalid',
      /junk\.pem selected by CODEX_CA_CERTIFICATE: no certificates found in PEM file/,
    ],
  ])('throws a typed error naming the path for %s', (_what, path, code, message) => {
    const error = caught(() => readCaCertificateFromEnv({ CODEX_CA_CERTIFICATE: path }));
    expect([error.code, error.path, error.sourceEnv]).toEqual([code, path, 'CODEX_CA_CERTIFICATE']);
    expect(error.message).toMatch(message);
  });
});

describe('extra CA over HTTPS and wss', () => {
  const request = testTurnRequest('Say hi.');

  async function httpsTurn(ca: string | undefined): Promise<unknown> {
    const client = new ResponsesClient({
      provider: testProvider(server.codexBaseUrl),
      auth: staticBearerAuth('at-canary-12345'),
      ...(ca === undefined ? {} : { ca }),
    });
    try {
      server.setScenario({
        steps: [{ kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'hi' }) }],
      });
      const stream = await client.stream(request);
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      return types.at(-1);
    } catch (error) {
      return error;
    } finally {
      await client.close();
    }
  }

  it('HTTPS succeeds with the CA and fails with connection_failed without it', async () => {
    const ca = readCaCertificateFromEnv({ CODEX_CA_CERTIFICATE: caFile })?.pem;
    expect(await httpsTurn(ca)).toBe('completed');
    const error = await httpsTurn(undefined);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('connection_failed');
  });

  it('HttpTransport({ ca }) still trusts the system roots besides the extra CA', async () => {
    const { rootCertificates } = await import('node:tls');
    const { withSystemRoots } = await import('@codex-ts/client');
    const list = withSystemRoots(server.caCert as string);
    expect(list.length).toBe(rootCertificates.length + 1);
    expect(list.slice(0, -1)).toEqual([...rootCertificates]);
    const transport = new HttpTransport({ ca: server.caCert as string });
    server.setChatgptScenario({ models: { replies: [{ body: { models: [] } }] } });
    const response = await transport.request({
      method: 'GET',
      url: `${server.codexBaseUrl}/models?client_version=1`,
      headers: {},
    });
    expect(response.json()).toEqual({ models: [] });
    await transport.close();
  });

  it('extraCaSecureContext: one shared context per CA, and a TLS handshake verified with it', async () => {
    const { connect } = await import('node:tls');
    const { extraCaSecureContext } = await import('@codex-ts/client');
    const context = extraCaSecureContext(server.caCert as string);
    expect(extraCaSecureContext(server.caCert as string)).toBe(context);
    expect(extraCaSecureContext([server.caCert as string])).toBe(context);
    const { port } = new URL(server.url);
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(port), secureContext: context }, () => {
        resolve(socket.authorized);
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(authorized).toBe(true);
  });

  async function wssConnect(ca: string | undefined): Promise<unknown> {
    const client = new ResponsesWebsocketClient({
      provider: testProvider(server.codexBaseUrl),
      auth: staticBearerAuth('at-canary-12345'),
      ...(ca === undefined ? {} : { ca }),
    });
    try {
      const connection = await client.connect();
      connection.close();
      return 'open';
    } catch (error) {
      return error;
    }
  }

  it('wss succeeds with the CA and fails with connection_failed without it', async () => {
    expect(await wssConnect(server.caCert)).toBe('open');
    const error = await wssConnect(undefined);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('connection_failed');
    expect((error as ApiError).message).not.toContain('at-canary-12345');
  });
});
