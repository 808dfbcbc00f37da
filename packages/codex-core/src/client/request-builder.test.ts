// The pure request builder: exact key order and values of bodies, headers and client_metadata
// (observed-cli-0.169 §4, §6).

import { serializeResponsesRequest } from '@codex-ts/api';
import { HTTP_BODY_KEY_ORDER, keysWithout } from '@codex-ts/api/test';
import type { ResponseItem } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import type { SessionIdentity, TurnMetadataInput } from '../metadata/turn-metadata.js';
import {
  codexClientMetadata,
  httpRequestBody,
  httpRequestHeaders,
  type RequestSettings,
  type SamplingRequest,
  websocketHandshakeHeaders,
  websocketRequestBody,
} from './request-builder.js';

const THREAD = '01a2004f-b89d-7fb1-9159-4117ec46c750';
const IDENTITY: SessionIdentity = {
  installationId: '72f58e05-d55f-4096-b35a-759a281d52e5',
  sessionId: 'sess-1',
  threadId: THREAD,
  contextWindowId: '01a2004f-b8a4-70e0-a604-825da08eb81b',
  windowNumber: 2,
  historyInitialization: 'new',
  sandbox: 'none',
  sandboxMode: 'read-only',
};
const SETTINGS: RequestSettings = { identity: IDENTITY, betaFeatures: ['a', 'b'], mcpAttribution: true };
const TURN: TurnMetadataInput = {
  requestKind: 'turn',
  turnId: 'turn-1',
  turnStartedAtUnixMs: 1_700_000_000_000,
  turnTrigger: 'exec',
  model: 'gpt-5.5',
  reasoningEffort: 'medium',
};
/** `x-codex-turn-metadata` of {@link TURN}, keys in 0.169.0's order, non-ASCII escaped. */
const TURN_METADATA_JSON =
  `{"installation_id":"${IDENTITY.installationId}","session_id":"sess-1","thread_id":"${THREAD}",` +
  `"agent_name":"/root","turn_id":"turn-1","window_id":"${THREAD}:2","window_number":2,` +
  `"context_window_id":"${IDENTITY.contextWindowId}","request_kind":"turn","history_initialization":"new",` +
  '"root_turn_id":"turn-1","thread_source":"user","turn_trigger":"exec","sandbox":"none",' +
  '"sandbox_mode":"read-only","auto_review_enabled":false,"node_repl_auto_review_required":false,' +
  '"node_repl_disabled":false,"turn_started_at_unix_ms":1700000000000,"analytics_enabled":true,' +
  '"model":"gpt-5.5","reasoning_effort":"medium"}';

const user = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hé' }] } as ResponseItem;
const tool = { type: 'function', name: 'exec_command', parameters: { type: 'object' } };

function request(overrides: Partial<SamplingRequest> = {}): SamplingRequest {
  return {
    model: 'gpt-5.5',
    input: [user],
    tools: [tool],
    parallelToolCalls: true,
    reasoning: { effort: 'medium', summary: 'auto' },
    verbosity: 'low',
    serviceTier: 'priority',
    metadata: TURN,
    ...overrides,
  };
}

/**
 * Keys of a body built from {@link request}, in insertion order: the 0.169.0 wire order of the keys
 * it sets up to `prompt_cache_key`, then `client_metadata`, `service_tier`, `text` (the API layer's
 * serialiser writes those three in wire order).
 */
const BODY_KEYS = [
  ...keysWithout(
    HTTP_BODY_KEY_ORDER,
    'instructions',
    'stream_options',
    'service_tier',
    'text',
    'client_metadata',
  ),
  'client_metadata',
  'service_tier',
  'text',
];

/** Entries in insertion order: `toEqual` alone ignores key order. */
const entries = (value: object) => Object.entries(value);

const CODEX_METADATA: [string, string][] = [
  ['x-codex-installation-id', IDENTITY.installationId],
  ['session_id', 'sess-1'],
  ['thread_id', THREAD],
  ['turn_id', 'turn-1'],
  ['root_turn_id', 'turn-1'],
  ['x-codex-window-id', `${THREAD}:2`],
  ['x-codex-turn-metadata', TURN_METADATA_JSON],
  ['mcp_attribution', '{"status":"none"}'],
];

describe('httpRequestBody', () => {
  it('writes every field in order, optional ones last', () => {
    const req = request();
    const body = httpRequestBody(SETTINGS, req);
    expect(Object.keys(body)).toEqual(BODY_KEYS);
    expect(body).toEqual({
      model: 'gpt-5.5',
      stream: true,
      input: [user],
      tools: [tool],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: THREAD,
      client_metadata: Object.fromEntries(CODEX_METADATA),
      service_tier: 'priority',
      text: { verbosity: 'low' },
    });
    expect(entries(body.client_metadata ?? {})).toEqual(CODEX_METADATA);
    // The caller's input array is sent as is (continuations compare items by reference first).
    expect(body.input).toBe(req.input);
  });

  it('leaves out unset optional fields and empty reasoning members', () => {
    const body = httpRequestBody(
      { identity: IDENTITY },
      request({ reasoning: { effort: 'high' }, verbosity: undefined, serviceTier: undefined }),
    );
    expect(Object.keys(body)).not.toContain('service_tier');
    expect(Object.keys(body)).not.toContain('text');
    expect(entries(body.reasoning ?? {})).toEqual([['effort', 'high']]);
    expect(httpRequestBody(SETTINGS, request({ reasoning: undefined })).reasoning).toEqual({});
    // No mcp_attribution without the setting.
    expect(Object.keys(body.client_metadata ?? {})).not.toContain('mcp_attribution');
  });

  it('sends an output schema as text.format after text.verbosity, in the order 0.169.0 sent it', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const body = httpRequestBody(SETTINGS, request({ outputSchema: schema }));
    // What codex-cli 0.169.0 sent for `--output-schema` (model_verbosity low).
    expect(JSON.stringify(body.text)).toBe(
      `{"verbosity":"low","format":{"type":"json_schema","strict":true,"schema":${JSON.stringify(schema)},"name":"codex_output_schema"}}`,
    );
    expect(serializeResponsesRequest(body)).toContain(`"text":${JSON.stringify(body.text)}`);
    const noVerbosity = httpRequestBody(SETTINGS, request({ outputSchema: schema, verbosity: undefined }));
    expect(Object.keys(noVerbosity.text ?? {})).toEqual(['format']);
    expect(websocketRequestBody(SETTINGS, request({ outputSchema: schema })).text).toEqual(body.text);
  });

  it('merges caller metadata after Codex keys, never replacing a reserved or present key', () => {
    const req = request({
      clientMetadata: { z_custom: '1', turn_id: 'evil', 'x-codex-turn-state': 'evil', a_custom: '2' },
    });
    const body = httpRequestBody(SETTINGS, req);
    expect(entries(body.client_metadata ?? {})).toEqual([
      ...CODEX_METADATA,
      ['z_custom', '1'],
      ['a_custom', '2'],
    ]);
    expect(req.clientMetadata).toEqual({
      z_custom: '1',
      turn_id: 'evil',
      'x-codex-turn-state': 'evil',
      a_custom: '2',
    });
  });

  it('is pure: equal input gives an equal, fresh body', () => {
    const req = request();
    const a = httpRequestBody(SETTINGS, req);
    const b = httpRequestBody(SETTINGS, req);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.client_metadata).not.toBe(b.client_metadata);
    expect(codexClientMetadata(SETTINGS, req)).toEqual(a.client_metadata);
  });
});

describe('websocketRequestBody', () => {
  it('adds turn state and trace context to client_metadata before the caller entries, generate last', () => {
    const body = websocketRequestBody(SETTINGS, request({ clientMetadata: { custom: 'v' } }), {
      turnState: 'ts-1',
      trace: { traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01', tracestate: 'k=v' },
      generate: false,
    });
    expect(Object.keys(body)).toEqual([...BODY_KEYS, 'generate']);
    expect(body.generate).toBe(false);
    expect(body).not.toHaveProperty('previous_response_id');
    expect(entries(body.client_metadata ?? {})).toEqual([
      ...CODEX_METADATA,
      ['x-codex-turn-state', 'ts-1'],
      ['ws_request_header_traceparent', '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01'],
      ['ws_request_header_tracestate', 'k=v'],
      ['custom', 'v'],
    ]);
  });

  it('equals the HTTP body when there is no turn state, trace or generate', () => {
    const req = request({ clientMetadata: { custom: 'v' } });
    const ws = websocketRequestBody(SETTINGS, req, { trace: {} });
    expect(JSON.stringify(ws)).toBe(JSON.stringify(httpRequestBody(SETTINGS, req)));
    expect(
      entries(websocketRequestBody(SETTINGS, req, { trace: { traceparent: 'tp' } }).client_metadata ?? {}),
    ).toEqual([...CODEX_METADATA, ['ws_request_header_traceparent', 'tp'], ['custom', 'v']]);
    expect(websocketRequestBody(SETTINGS, req, { generate: true }).generate).toBe(true);
  });
});

describe('httpRequestHeaders', () => {
  it('writes beta features, turn state, window id, turn metadata, then the ids', () => {
    expect(entries(httpRequestHeaders(SETTINGS, TURN, 'ts-1'))).toEqual([
      ['x-codex-beta-features', 'a,b'],
      ['x-codex-turn-state', 'ts-1'],
      ['x-codex-window-id', `${THREAD}:2`],
      ['x-codex-turn-metadata', TURN_METADATA_JSON],
      ['x-client-request-id', THREAD],
      ['session-id', 'sess-1'],
      ['thread-id', THREAD],
    ]);
  });

  it('leaves out empty beta features and an unlatched turn state', () => {
    expect(
      Object.keys(httpRequestHeaders({ identity: IDENTITY, betaFeatures: [] }, TURN, undefined)),
    ).toEqual([
      'x-codex-window-id',
      'x-codex-turn-metadata',
      'x-client-request-id',
      'session-id',
      'thread-id',
    ]);
  });

  it('escapes non-ASCII in the turn metadata so the value is a valid header', () => {
    const headers = httpRequestHeaders(SETTINGS, { ...TURN, extra: { note: 'café' } }, undefined);
    expect(headers['x-codex-turn-metadata']).toBe(`${TURN_METADATA_JSON.slice(0, -1)},"note":"caf\\u00e9"}`);
  });
});

describe('caller turn metadata', () => {
  const CALLER = {
    root_turn_id: 'forged-root',
    turn_started_at_unix_ms: '1',
    turn_trigger: 'forged',
    reasoning_effort: 'forged',
    parent_thread_id: 'forged',
    note: 'kept',
  };
  const PREWARM: TurnMetadataInput = { requestKind: 'prewarm', turnId: '', model: 'gpt-5.5', extra: CALLER };

  it('never sets a reserved key, even one the request leaves out (prewarm)', () => {
    for (const metadata of [PREWARM, { ...TURN, reasoningEffort: undefined, extra: CALLER }]) {
      const header = JSON.parse(httpRequestHeaders(SETTINGS, metadata, undefined)['x-codex-turn-metadata']!);
      const inBody = JSON.parse(
        codexClientMetadata(SETTINGS, { ...requestWith(metadata) })['x-codex-turn-metadata']!,
      );
      for (const meta of [header, inBody]) {
        expect(meta.note).toBe('kept');
        expect(meta.parent_thread_id).toBeUndefined();
        expect(meta.reasoning_effort).toBeUndefined();
        if (metadata.requestKind === 'prewarm') {
          expect(meta).not.toHaveProperty('root_turn_id');
          expect(meta).not.toHaveProperty('turn_started_at_unix_ms');
          expect(meta).not.toHaveProperty('turn_trigger');
        } else {
          expect(meta.root_turn_id).toBe('turn-1');
          expect(meta.turn_trigger).toBe('exec');
        }
      }
    }
  });
});

function requestWith(metadata: TurnMetadataInput): SamplingRequest {
  return { model: metadata.model, input: [], tools: [], parallelToolCalls: true, metadata };
}

describe('websocketHandshakeHeaders', () => {
  it('writes turn metadata, provider headers, beta features, ids, then window id; no turn state', () => {
    expect(
      entries(websocketHandshakeHeaders(SETTINGS, { version: '0.169.0', 'x-extra': 'e' }, TURN)),
    ).toEqual([
      ['x-codex-turn-metadata', TURN_METADATA_JSON],
      ['version', '0.169.0'],
      ['x-extra', 'e'],
      ['x-codex-beta-features', 'a,b'],
      ['x-client-request-id', THREAD],
      ['session-id', 'sess-1'],
      ['thread-id', THREAD],
      ['x-codex-window-id', `${THREAD}:2`],
    ]);
  });

  it('leaves out empty beta features', () => {
    expect(Object.keys(websocketHandshakeHeaders({ identity: IDENTITY }, {}, TURN))).toEqual([
      'x-codex-turn-metadata',
      'x-client-request-id',
      'session-id',
      'thread-id',
      'x-codex-window-id',
    ]);
  });
});

describe('ChatGPT Codex backend (observed-cli-0.169-auth §5, §6)', () => {
  const chatgpt = (override?: string): RequestSettings => ({
    ...SETTINGS,
    chatgpt: { routingOverride: () => override },
  });

  it('adds the routing override (us / us_cr only) and the routing hint with the service tier', () => {
    expect(entries(httpRequestHeaders(chatgpt('us_cr'), TURN, undefined, 'priority'))).toEqual([
      ['x-openai-account-routing-override', 'us_cr'],
      ['x-codex-beta-features', 'a,b'],
      ['x-codex-window-id', `${THREAD}:2`],
      ['x-codex-turn-metadata', TURN_METADATA_JSON],
      ['x-codex-routing-hint', 'model=gpt-5.5;tier=priority'],
      ['x-client-request-id', THREAD],
      ['session-id', 'sess-1'],
      ['thread-id', THREAD],
    ]);
    for (const value of [undefined, 'NO_CONSTRAINT', 'eu']) {
      expect(httpRequestHeaders(chatgpt(value), TURN, undefined)).not.toHaveProperty(
        'x-openai-account-routing-override',
      );
    }
    expect(httpRequestHeaders(chatgpt(), TURN, undefined)['x-codex-routing-hint']).toBe('model=gpt-5.5');
  });

  it('orders the handshake headers as 0.169.0 did with ChatGPT login', () => {
    expect(Object.keys(websocketHandshakeHeaders(chatgpt('us'), { version: '0.169.0' }, TURN))).toEqual([
      'version',
      'x-openai-account-routing-override',
      'x-codex-beta-features',
      'x-client-request-id',
      'session-id',
      'thread-id',
      'x-codex-window-id',
      'x-codex-turn-metadata',
      'x-codex-routing-hint',
    ]);
  });

  it('adds guardian_credits_requested to client_metadata; API-key metadata is unchanged', () => {
    const req = request();
    expect(codexClientMetadata(chatgpt(), req).guardian_credits_requested).toBe('true');
    expect(codexClientMetadata(SETTINGS, req)).not.toHaveProperty('guardian_credits_requested');
  });
});
