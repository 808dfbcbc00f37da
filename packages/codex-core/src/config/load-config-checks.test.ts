// loadConfig: numeric ranges (durations that would overflow a timer, integers beyond 2^53).
import { describe, expect, it } from 'vitest';
import { useConfigHome } from '../test/index.js';
import { MAX_DURATION_MS } from './schema.js';

const { file, load, loadError } = await useConfigHome();

const RANGE = `expected an integer from 0 to ${MAX_DURATION_MS} (milliseconds, about 24.8 days at most)`;

describe('loadConfig: durations', () => {
  const keys = ['stream_idle_timeout_ms', 'websocket_connect_timeout_ms'] as const;

  it('accepts 0 and 2^31 − 1 ms', async () => {
    for (const value of [0, MAX_DURATION_MS]) {
      const config = await load(`[model_providers.x]\n${keys.map((k) => `${k} = ${value}`).join('\n')}\n`);
      expect(config.modelProviders.x).toMatchObject({
        streamIdleTimeoutMs: value,
        websocketConnectTimeoutMs: value,
      });
    }
  });

  it('rejects a value that would overflow a timer, naming the key and the file', async () => {
    for (const key of keys) {
      for (const value of ['2147483648', '9007199254740991', '9223372036854775807', '1e12', 'inf']) {
        const error = await loadError(`[model_providers.x]\n${key} = ${value}\n`);
        expect(error.code).toBe('invalid_value');
        expect(error.keyPath).toBe(`model_providers.x.${key}`);
        expect(error.file).toBe(file);
        expect(error.message).toBe(`invalid value for \`model_providers.x.${key}\` in ${file}: ${RANGE}`);
      }
    }
  });

  it('rejects negative, fractional and non-numeric durations', async () => {
    for (const value of ['-1', '1.5', '"300000"', 'nan']) {
      const error = await loadError(`[model_providers.x]\nstream_idle_timeout_ms = ${value}\n`);
      expect(error.message).toBe(
        `invalid value for \`model_providers.x.stream_idle_timeout_ms\` in ${file}: ${RANGE}`,
      );
    }
  });

  it('says a bad duration came from a -c override on the command line', async () => {
    for (const value of ['2147483648', '99999999999999999999']) {
      const key = 'model_providers.x.websocket_connect_timeout_ms';
      const error = await loadError('[model_providers.x]\nwebsocket_connect_timeout_ms = 1000\n', {
        overrides: [`${key}=${value}`],
      });
      expect(error.override).toBe(key);
      expect(error.file).toBeUndefined();
      expect(error.message).toBe(`invalid value for \`${key}\` in -c override \`${key}\`: ${RANGE}`);
    }
  });

  it('bounds the command-auth timers too (timeout_ms must be positive)', async () => {
    let error = await loadError(`[model_providers.x.auth]\ncommand = "tok"\ntimeout_ms = ${2 ** 31}\n`);
    expect(error.keyPath).toBe('model_providers.x.auth.timeout_ms');
    expect(error.message).toContain(`expected an integer from 1 to ${MAX_DURATION_MS}`);
    error = await loadError('[model_providers.x.auth]\ncommand = "tok"\ntimeout_ms = 0\n');
    expect(error.message).toContain(`expected an integer from 1 to ${MAX_DURATION_MS}`);
    error = await loadError(`[model_providers.x.auth]\ncommand = "tok"\nrefresh_interval_ms = ${2 ** 31}\n`);
    expect(error.keyPath).toBe('model_providers.x.auth.refresh_interval_ms');
    expect(error.message).toContain(RANGE);
    const config = await load('[model_providers.x.auth]\ncommand = "tok"\nrefresh_interval_ms = 0\n');
    expect(config.modelProviders.x?.commandAuth).toMatchObject({ refreshIntervalMs: 0 });
  });
});

describe('loadConfig: integers beyond 2^53', () => {
  it('caps huge retry counts like the original (u64) instead of failing to parse the file', async () => {
    const config = await load(
      '[model_providers.x]\nrequest_max_retries = 9223372036854775807\nstream_max_retries = 18014398509481984\n',
      { overrides: [] },
    );
    expect(config.modelProviders.x).toMatchObject({ requestMaxRetries: 100, streamMaxRetries: 100 });
    const fromCli = await load(undefined, {
      overrides: ['model_providers.y.stream_max_retries=99999999999999999'],
    });
    expect(fromCli.modelProviders.y?.streamMaxRetries).toBe(100);
    const error = await loadError('[model_providers.x]\nrequest_max_retries = -9223372036854775808\n');
    expect(error.message).toBe(
      `invalid value for \`model_providers.x.request_max_retries\` in ${file}: expected a non-negative integer`,
    );
  });

  it('accepts a huge integer in a key codex-ts ignores', async () => {
    await expect(load('model_context_window = 9223372036854775807\n')).resolves.toBeDefined();
  });
});

describe('loadConfig: config.toml must be UTF-8', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

  it('rejects a Latin-1 byte naming the file, line, column and byte offset, never the value', async () => {
    // "caf\xe9" saved as Latin-1 inside a bearer token, on line 3.
    const toml = bytes(
      'model = "gpt-5.5"\n[model_providers.x]\nexperimental_bearer_token = "sk-caf',
      [0xe9],
      '-SECRET"\n',
    );
    const error = await loadError(toml);
    expect(error.code).toBe('syntax');
    expect([error.file, error.line, error.column]).toEqual([file, 3, 36]);
    expect(error.message).toBe(
      `invalid TOML in ${file} at line 3, column 36: the file is not valid UTF-8 (byte offset 73); save it as UTF-8`,
    );
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('SECRET');
  });

  it('counts columns in characters and finds truncated, overlong and surrogate sequences', async () => {
    const cases: [Buffer, number, number][] = [
      [bytes('model = "é', [0xc3]), 1, 11], // truncated at end of file
      [bytes('a = 1\nmodel = "', [0xc0, 0xaf], '"\n'), 2, 10], // overlong "/"
      [bytes('model = "€', [0xed, 0xa0, 0x80], '"\n'), 1, 11], // UTF-16 surrogate
      [bytes([0x80], 'model = "x"\n'), 1, 1], // stray continuation byte
    ];
    for (const [toml, line, column] of cases) {
      const error = await loadError(toml);
      expect([error.code, error.line, error.column]).toEqual(['syntax', line, column]);
    }
  });

  it('accepts multi-byte UTF-8 and a byte order mark', async () => {
    const config = await load(bytes([0xef, 0xbb, 0xbf], 'model = "gpt-5.5-café-€-😀"\n'));
    expect(config.model).toBe('gpt-5.5-café-€-😀');
  });
});
