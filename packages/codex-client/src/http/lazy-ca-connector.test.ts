import { randomBytes } from 'node:crypto';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as Tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../errors/transport-error.js';
import { closedPort, closeServersAndTransport, startServer, within } from '../test/index.js';
import { HttpTransport } from './transport.js';

const tls = createRequire(import.meta.url)('node:tls') as typeof Tls;
const realCreateSecureContext = tls.createSecureContext;

/** Watches `tls.createSecureContext` (ESM importers see it too) for contexts trusting `pem`. */
function watchSecureContexts(pem: string): { count(): number; restore(): void } {
  let count = 0;
  tls.createSecureContext = (options) => {
    const ca = options?.ca;
    if (Array.isArray(ca) && ca.includes(pem)) count += 1;
    return realCreateSecureContext(options);
  };
  syncBuiltinESMExports();
  return {
    count: () => count,
    restore: () => {
      tls.createSecureContext = realCreateSecureContext;
      syncBuiltinESMExports();
    },
  };
}

let transport = new HttpTransport();
afterEach(() => closeServersAndTransport(transport));

describe('HttpTransport({ ca })', () => {
  // The TLS context (Node's ~150 roots + the extra CAs, ~100 ms to build) is only made for
  // https: a process that talks plain HTTP to a local provider never builds it.
  it.each(['node:http', 'undici'] as const)(
    'builds the extra-CA TLS context on the first https connection, not before (%s)',
    async (sender) => {
      // A fresh PEM text each run, so no context is cached for it yet.
      const pem = `-----BEGIN CERTIFICATE-----\n${randomBytes(48).toString('base64')}\n-----END CERTIFICATE-----\n`;
      const contexts = watchSecureContexts(pem);
      try {
        await transport.close();
        transport = new HttpTransport({ ca: pem, sender });
        const server = await startServer((_req, res) => res.end('plain'));
        const response = await transport.request({ method: 'GET', url: `${server.url}/x`, headers: {} });
        expect(response.text()).toBe('plain');
        expect(contexts.count()).toBe(0);

        const port = await closedPort();
        const error = await within(
          transport.request({ method: 'GET', url: `https://127.0.0.1:${port}/x`, headers: {} }).then(
            () => undefined,
            (e: unknown) => e,
          ),
          5_000,
        );
        expect(ConnectionError.isInstance(error)).toBe(true);
        expect(contexts.count()).toBe(1);
      } finally {
        contexts.restore();
      }
    },
  );
});
