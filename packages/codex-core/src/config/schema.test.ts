import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useConfigHome } from '../test/index.js';
import { IGNORED_TOP_LEVEL_KEYS } from './ignored-keys.js';
import { ConfigTomlSchema, safeParseConfigToml } from './schema.js';

const { file, loadError } = await useConfigHome();

// Keys of every level that the schemas know, plus some they do not: a generated table mixes them.
const TOP_KEYS = [
  'model',
  'model_provider',
  'model_reasoning_effort',
  'service_tier',
  'approval_policy',
  'sandbox_mode',
  'openai_base_url',
  'forced_login_method',
  'forced_chatgpt_workspace_id',
  'cli_auth_credentials_store',
  'model_auto_compact_token_limit',
  'profile',
  'profiles',
  'model_providers',
  'features',
  'oss_provider',
  'otel',
  IGNORED_TOP_LEVEL_KEYS[0],
  IGNORED_TOP_LEVEL_KEYS[40],
  'no_such_key',
  'modle',
];
const INNER_KEYS = [
  'name',
  'base_url',
  'env_key',
  'wire_api',
  'auth',
  'aws',
  'command',
  'request_max_retries',
  'stream_idle_timeout_ms',
  'http_headers',
  'requires_openai_auth',
  'model',
  'exporter',
  'otlp-http',
  'endpoint',
  'protocol',
  'environment',
  'granular',
  'extra',
];
const leaf = fc.oneof(
  fc.constantFrom('responses', 'chat', 'high', 'fast', 'never', 'api', 'file', 'ollama', 'none', 'json', ''),
  fc.constantFrom('http://127.0.0.1:1/v1', 'x', ' ', 'on-request', 'workspace-write', 'otlp-http'),
  fc.integer({ min: -5, max: 3_000_000_000 }),
  fc.double({ noNaN: true, min: -2, max: 2 }),
  fc.boolean(),
  fc.bigInt({ min: -1n, max: 2n ** 70n }),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('table')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  table: fc.dictionary(fc.constantFrom(...INNER_KEYS), tie('value'), { maxKeys: 4 }),
}));
const configTable = fc.dictionary(fc.constantFrom(...TOP_KEYS), value, { maxKeys: 6 });
// Mostly valid values per provider key (so the combination rules, which run on valid tables only,
// are reached), sometimes any value.
const str = fc.constantFrom('x', 'http://127.0.0.1:1/v1', '');
const table = fc.constantFrom({ A: 'b' }, { A: 1 });
const uint = fc.oneof(fc.constantFrom(0, 5, 2n ** 70n), fc.integer({ min: -1, max: 10 }));
const bool = fc.boolean();
const or = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: value });
const providerFields = {
  name: or(str),
  base_url: or(str),
  env_key: or(str),
  env_key_instructions: or(str),
  experimental_bearer_token: or(str),
  auth: or(
    fc.constantFrom(
      { command: 'tok' },
      { command: ' ', timeout_ms: 0 },
      { command: 'tok', args: ['a'], cwd: 'x' },
    ),
  ),
  aws: or(fc.constantFrom({ profile: 'p' }, {}, { profile: 1 })),
  wire_api: or(fc.constantFrom('responses', 'chat')),
  query_params: or(table),
  http_headers: or(table),
  env_http_headers: or(table),
  request_max_retries: or(uint),
  stream_max_retries: or(uint),
  stream_idle_timeout_ms: or(uint),
  websocket_connect_timeout_ms: or(uint),
  requires_openai_auth: or(bool),
  supports_websockets: or(bool),
  extra: value,
};
// Each key present with even odds (fc.record alone leaves most optional keys out).
const providerTable = fc
  .tuple(
    fc.record(providerFields),
    fc.array(fc.boolean(), {
      minLength: Object.keys(providerFields).length,
      maxLength: Object.keys(providerFields).length,
    }),
  )
  .map(([fields, keep]) => Object.fromEntries(Object.entries(fields).filter((_, i) => keep[i])));
const providersTable = fc.record({
  model_providers: fc.oneof(
    { weight: 1, arbitrary: value },
    {
      weight: 6,
      arbitrary: fc.dictionary(fc.constantFrom('local', 'p', 'openai'), providerTable, { maxKeys: 2 }),
    },
  ),
});

describe('safeParseConfigToml', () => {
  it('gives what ConfigTomlSchema.safeParse gives: success, data and every issue in order', () => {
    fc.assert(
      fc.property(configTable, (table) => {
        const full = ConfigTomlSchema.safeParse(structuredClone(table));
        const partial = safeParseConfigToml(structuredClone(table));
        expect(partial.success).toBe(full.success);
        expect(partial.data).toStrictEqual(full.data);
        expect(Object.keys(partial.data ?? {})).toEqual(Object.keys(full.data ?? {}));
        expect(partial.error?.issues).toStrictEqual(full.error?.issues);
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same for [model_providers] tables, whose keys are checked only when set too', () => {
    fc.assert(
      fc.property(providersTable, (table) => {
        const full = ConfigTomlSchema.safeParse(structuredClone(table));
        const partial = safeParseConfigToml(structuredClone(table));
        expect(partial.success).toBe(full.success);
        expect(partial.data).toStrictEqual(full.data);
        expect(JSON.stringify(partial.data, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(
          JSON.stringify(full.data, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
        );
        expect(partial.error?.issues).toStrictEqual(full.error?.issues);
      }),
      { numRuns: 400 },
    );
  });

  it('checks only the keys a table sets, and every one of them', () => {
    expect(safeParseConfigToml({}).success).toBe(true);
    const bad = safeParseConfigToml({ model: 'm', otel: { exporter: 'nope' } });
    expect(bad.error?.issues.map((issue) => issue.path)).toEqual([['otel', 'exporter']]);
  });
});

describe('loadConfig with sections built on first use', () => {
  it('reports a bad section set alone with the message it always had', async () => {
    const cases: [string, string, string][] = [
      [
        'model_providers.p.wire_api = "chat"\n',
        'model_providers.p.wire_api',
        '`wire_api = "chat"` is no longer supported; set `wire_api = "responses"` in the provider table (see https://github.com/openai/codex/discussions/7782)',
      ],
      [
        '[otel]\nexporter = { otlp-http = { endpoint = "ftp://x", protocol = "json" } }\n',
        'otel.exporter.otlp-http.endpoint',
        'expected an http:// or https:// URL',
      ],
      ['profiles.a.model = 1\n', 'profiles.a.model', 'expected a string'],
      [
        'model_auto_compact_token_limit = -1\n',
        'model_auto_compact_token_limit',
        'expected a non-negative integer',
      ],
      [
        'forced_chatgpt_workspace_id = []\n',
        'forced_chatgpt_workspace_id',
        'expected a non-empty workspace id or a non-empty array of them',
      ],
    ];
    for (const [text, key, expected] of cases) {
      const error = await loadError(text);
      expect(error.code).toBe('invalid_value');
      expect(error.message).toBe(`invalid value for \`${key}\` in ${file}: ${expected}`);
    }
  });
});
