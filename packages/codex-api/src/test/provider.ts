// A Provider pointed at a local test server.
import type { Provider } from '@codex-ts/api';
import type { RetryPolicy } from '@codex-ts/client';

/** What {@link testProvider} takes: any Provider field, and only the retry fields that differ. */
export type TestProviderOverrides = Partial<Omit<Provider, 'retry'>> & { retry?: Partial<RetryPolicy> };

/**
 * A provider named `test` for `baseUrl` (e.g. a responses server's `url`): no headers, no
 * transport retry (`maxAttempts: 0`, 1 ms base delay; 5xx and transport failures retryable, 429
 * not), a 5 s stream idle timeout and a 2 s WebSocket connect timeout. `overrides` replaces any
 * field; `retry` is merged into the default retry policy.
 */
export function testProvider(baseUrl: string, overrides: TestProviderOverrides = {}): Provider {
  const { retry, ...rest } = overrides;
  return {
    name: 'test',
    baseUrl,
    headers: {},
    streamIdleTimeoutMs: 5_000,
    websocketConnectTimeoutMs: 2_000,
    ...rest,
    retry: {
      maxAttempts: 0,
      baseDelayMs: 1,
      retryOn: { retry429: false, retry5xx: true, retryTransport: true },
      ...retry,
    },
  };
}
