// SessionTelemetry hands each record's attributes over to a logger that offers
// EMIT_OWNED_ATTRIBUTES (a fresh object per record), and uses `emit` on any other logger.
import type { Logger, LoggerProvider, LogRecord } from '@opentelemetry/api-logs';
import { describe, expect, it } from 'vitest';
import { testSession } from '../test/index.js';
import { EMIT_OWNED_ATTRIBUTES } from './owned-emit.js';
import type { SessionTelemetry } from './session-telemetry.js';

function session(logger: Logger) {
  const provider: LoggerProvider = { getLogger: () => logger };
  return testSession({ loggerProvider: provider });
}

function poll(telemetry: SessionTelemetry) {
  for (let i = 0; i < 2; i++)
    telemetry.recordSsePoll({
      event: { event: 'delta', data: '{}', id: undefined },
      error: undefined,
      durationMs: 1,
    });
  telemetry.recordApiRequest({ attempt: 1, status: 200, durationMs: 3 });
}

describe('SessionTelemetry and EMIT_OWNED_ATTRIBUTES', () => {
  it('hands every record over through the method when the logger has it, one fresh object each', () => {
    const owned: LogRecord[] = [];
    const emitted: LogRecord[] = [];
    const logger = {
      emit: (record: LogRecord) => void emitted.push(record),
      [EMIT_OWNED_ATTRIBUTES]: (record: LogRecord) => void owned.push(record),
    };
    poll(session(logger));
    expect(emitted).toEqual([]);
    expect(owned.map((r) => r.attributes?.['event.name'])).toEqual([
      'codex.sse_event',
      'codex.sse_event',
      'codex.api_request',
    ]);
    expect(owned[0]?.attributes).not.toBe(owned[1]?.attributes);
  });

  it('uses emit otherwise, with the same records', () => {
    const emitted: LogRecord[] = [];
    const owned: LogRecord[] = [];
    poll(session({ emit: (record) => void emitted.push(record) }));
    poll(
      session({
        emit: () => {},
        [EMIT_OWNED_ATTRIBUTES]: (record: LogRecord) => void owned.push(record),
      } as Logger),
    );
    const strip = (r: LogRecord) => ({
      ...r,
      timestamp: 0,
      attributes: { ...r.attributes, 'event.timestamp': '' },
    });
    expect(owned.map(strip)).toEqual(emitted.map(strip));
  });
});
