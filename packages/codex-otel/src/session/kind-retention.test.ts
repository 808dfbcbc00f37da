// A `codex.sse_event` record held until export must not keep the decoded chunk its event kind was
// cut from: V8 makes a `slice` of 13+ characters a view into its parent string, and the SSE
// decoder cuts `event:` values out of whole chunks. Measured with a forced GC (heap growth while
// 32 records of kinds cut from 32 distinct 1 MiB chunks are held).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { LogRecord as ApiLogRecord, Logger, LoggerProvider } from '@opentelemetry/api-logs';
import { describe, expect, it } from 'vitest';
import { testSession } from '../test/index.js';
import { internKind } from './values.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CHUNKS = 32;
const CHUNK_CHARS = 1 << 20;
const KIND = 'response.output_text.delta';

/** A logger provider that keeps every emitted record (as a batch processor's queue does). */
function holdingProvider(): { provider: LoggerProvider; held: ApiLogRecord[] } {
  const held: ApiLogRecord[] = [];
  const logger: Logger = { emit: (record) => void held.push(record) };
  return { provider: { getLogger: () => logger }, held };
}

/** A decoded chunk (one flat string) of about CHUNK_CHARS characters with an `event:` line. */
function chunk(i: number): string {
  const text = `${'x'.repeat(CHUNK_CHARS)}${i}\nevent: ${KIND}\ndata: {}\n\n`;
  // Flatten it (as text decoded from bytes is).
  text.charCodeAt(text.length >> 1);
  return text;
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('codex.sse_event kinds', () => {
  it('are strings of their own: held records do not keep the chunks they were cut from', () => {
    const { provider, held } = holdingProvider();
    const telemetry = testSession({ loggerProvider: provider });
    const before = heapUsed();
    for (let i = 0; i < CHUNKS; i++) {
      const text = chunk(i);
      const start = text.indexOf('event: ') + 7;
      const kind = text.slice(start, start + KIND.length);
      telemetry.recordSsePoll({
        event: { event: kind, data: '{}', id: undefined },
        error: undefined,
        durationMs: 1,
      });
    }
    const grown = heapUsed() - before;
    expect(held).toHaveLength(CHUNKS);
    expect(held.every((r) => r.attributes?.['event.kind'] === KIND)).toBe(true);
    // Before: every chunk stayed alive (≈ 32 MiB); now only the records themselves.
    expect(grown).toBeLessThan(4 * 1024 * 1024);
  });

  it('are interned: equal kinds give the same text', () => {
    const a = internKind(`${'response.'}output_text.delta`);
    expect(a).toBe(KIND);
    expect(internKind(KIND)).toBe(a);
    expect(internKind('')).toBe('');
  });
});
