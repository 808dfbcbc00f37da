// A SessionTelemetry with the fewest options, for tests that only care about the providers.
import { SessionTelemetry, type SessionTelemetryOptions } from '@codex-ts/otel';

/**
 * A `SessionTelemetry` of conversation `c1`, model `m`, originator `codex_exec`, version `1.0.0`,
 * session source `exec`, with `options` (typically the logger / meter provider under test) on top.
 */
export function testSession(options: Partial<SessionTelemetryOptions> = {}): SessionTelemetry {
  return new SessionTelemetry({
    conversationId: 'c1',
    model: 'm',
    originator: 'codex_exec',
    appVersion: '1.0.0',
    sessionSource: 'exec',
    ...options,
  });
}
