/**
 * The default transport loads nothing it does not use: no HTTP library that touches Node's web
 * globals (reading `globalThis.Headers` / `File` makes Node load and compile its own bundled
 * undici) and no WebAssembly HTTP parser (llhttp compiled at the first connection, then tiered up
 * by TurboFan on a background thread the process waits for at exit). Its own file, so that no
 * other test's request ran in this process first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeServersAndTransport, startServer } from '../test/index.js';
import { HttpTransport } from './transport.js';

/** The WebAssembly entry points that compile a module (the project has no DOM typings). */
interface WasmApi {
  Module: new (bytes: unknown) => unknown;
  compile: (bytes: unknown) => Promise<unknown>;
  instantiate: (...args: unknown[]) => Promise<unknown>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const original = { Module: wasm.Module, compile: wasm.compile, instantiate: wasm.instantiate };

/** Node's list of the built-in modules it loaded so far. */
const nodeUndici = (): boolean =>
  (process as unknown as { moduleLoadList: string[] }).moduleLoadList.some((name) =>
    name.includes('internal/deps/undici'),
  );

let transport: HttpTransport | undefined;

afterEach(async () => {
  Object.assign(wasm, original);
  if (transport !== undefined) await closeServersAndTransport(transport);
});

describe('HttpTransport default sender', () => {
  it('streams a response without compiling WebAssembly or loading Node’s bundled undici', async () => {
    expect(nodeUndici()).toBe(false);
    let compiled = 0;
    wasm.Module = new Proxy(original.Module, {
      construct(target, args: [unknown]) {
        compiled++;
        return new target(...args) as object;
      },
    });
    wasm.compile = (bytes) => {
      compiled++;
      return original.compile(bytes);
    };
    wasm.instantiate = (...args) => {
      compiled++;
      return original.instantiate(...args);
    };

    const server = await startServer((_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.end('event: a\ndata: {}\n\n');
    });
    transport = new HttpTransport();
    const response = await transport.stream({ method: 'POST', url: server.url, headers: {}, body: '{}' });
    const chunks: string[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk).toString('utf8'));

    expect(chunks.join('')).toBe('event: a\ndata: {}\n\n');
    expect(compiled).toBe(0);
    expect(nodeUndici()).toBe(false);
  });
});
