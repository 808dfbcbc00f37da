/**
 * `HttpTransport({ sender: 'undici' })` loads undici from its internal files only: no web global is
 * written or replaced and Node's own bundled undici is not loaded (what undici's `index.js` would
 * do). Its own file, so that no other test loaded undici's `index.js` in this process first.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServersAndTransport, startServer } from '../test/index.js';
import { HttpTransport } from './transport.js';

/** The globals undici's `index.js` installs (read as descriptors: reading a value would load Node's undici). */
const WEB_GLOBALS = [
  'fetch',
  'Headers',
  'Request',
  'Response',
  'FormData',
  'File',
  'WebSocket',
  'CloseEvent',
  'EventSource',
  'MessageEvent',
] as const;

const descriptors = (): (PropertyDescriptor | undefined)[] =>
  WEB_GLOBALS.map((name) => Object.getOwnPropertyDescriptor(globalThis, name));

/** Node's list of the built-in modules it loaded so far. */
const nodeUndici = (): boolean =>
  (process as unknown as { moduleLoadList: string[] }).moduleLoadList.some((name) =>
    name.includes('internal/deps/undici'),
  );

/** The undici files loaded through `require` so far, relative to undici's folder. */
function undiciFiles(): string[] {
  const cache = createRequire(import.meta.url).cache;
  return Object.keys(cache)
    .filter((file) => /[\\/]undici[\\/]/.test(file))
    .map((file) => file.slice(file.search(/[\\/]undici[\\/]/) + 'undici/'.length + 1));
}

let transport: HttpTransport | undefined;
afterEach(async () => {
  if (transport !== undefined) await closeServersAndTransport(transport);
});

describe("HttpTransport({ sender: 'undici' })", () => {
  it('streams a response without touching the web globals or loading undici’s index.js', async () => {
    expect(nodeUndici()).toBe(false);
    const before = descriptors();
    const server = await startServer((_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.end('event: a\ndata: {}\n\n');
    });
    transport = new HttpTransport({ sender: 'undici' });
    expect(undiciFiles()).toEqual([]); // nothing loaded before the first request
    const response = await transport.stream({ method: 'POST', url: server.url, headers: {}, body: '{}' });
    const chunks: string[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk).toString('utf8'));

    expect(chunks.join('')).toBe('event: a\ndata: {}\n\n');
    const after = descriptors();
    WEB_GLOBALS.forEach((_name, i) => {
      expect(after[i]?.get).toBe(before[i]?.get);
      expect(after[i]?.set).toBe(before[i]?.set);
      expect(after[i]?.value).toBe(before[i]?.value);
    });
    expect(nodeUndici()).toBe(false);
    expect(undiciFiles()).toContain('lib/dispatcher/agent.js');
    expect(undiciFiles()).not.toContain('index.js');
  });
});
