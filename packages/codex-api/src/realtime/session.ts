/**
 * Outbound realtime messages and the realtime WebSocket URL (codex-rs
 * `codex-api/src/endpoint/realtime_websocket/methods.rs`, `methods_v1.rs`, `methods_v2.rs`).
 */
import type { Provider } from '../provider/provider.js';
import type { RealtimeProtocolVersion } from './events.js';

/** Sample rate of the session's PCM audio, Hz. */
export const REALTIME_AUDIO_SAMPLE_RATE = 24_000;

/** v2 session kind: a spoken conversation (default) or transcription only. */
export type RealtimeSessionMode = 'conversational' | 'transcription';

/** Everything a `session.update` carries. */
export interface RealtimeSessionSettings {
  /** The backend prompt (`instructions`). */
  instructions: string;
  /** v1 or v2 (default `v1`, as the original). */
  version?: RealtimeProtocolVersion | undefined;
  /** v2 only; v1 is always conversational. Default `conversational`. */
  mode?: RealtimeSessionMode | undefined;
  /** v2 conversational: `audio` (default) or `text`. */
  outputModality?: 'audio' | 'text' | undefined;
  /** Snake-case voice name; default `cove` (v1) / `marin` (v2). */
  voice?: string | undefined;
}

const BACKGROUND_AGENT_DESCRIPTION =
  'Hand the user request to the background agent, in the user’s own words. Use this by default: an idle agent starts a new task and reports its final result; a busy agent takes the request as guidance for its current task. Call it for anything the user wants done later too, so the work is queued.';
const REMAIN_SILENT_DESCRIPTION =
  'Call this when saying nothing is the best answer (after hidden control messages, after background agent updates in silent modes, or whenever speaking would distract). It has no visible effect.';

const pcm = { type: 'audio/pcm', rate: REALTIME_AUDIO_SAMPLE_RATE };

/**
 * The `session` object of a `session.update`:
 * - v1: `{type:"quicksilver", instructions, audio:{input:{format:{type:"audio/pcm", rate:24000}},
 *   output:{voice}}}`;
 * - v2 conversational: `{type:"realtime", instructions, output_modalities:[…], audio:{input:{format,
 *   noise_reduction:{type:"near_field"}, transcription:{model:"gpt-4o-mini-transcribe"},
 *   turn_detection:{type:"server_vad", interrupt_response:true, create_response:true,
 *   silence_duration_ms:500}}, output:{format, voice}}, tools:[background_agent, remain_silent],
 *   tool_choice:"auto"}`;
 * - v2 transcription: `{type:"transcription", audio:{input:{format, transcription:{model}}}}`.
 */
export function realtimeSessionBody(settings: RealtimeSessionSettings): Record<string, unknown> {
  const version = settings.version ?? 'v1';
  if (version === 'v1') {
    return {
      type: 'quicksilver',
      instructions: settings.instructions,
      audio: { input: { format: pcm }, output: { voice: settings.voice ?? 'cove' } },
    };
  }
  const transcription = { model: 'gpt-4o-mini-transcribe' };
  if (settings.mode === 'transcription') {
    return { type: 'transcription', audio: { input: { format: pcm, transcription } } };
  }
  return {
    type: 'realtime',
    instructions: settings.instructions,
    output_modalities: [settings.outputModality ?? 'audio'],
    audio: {
      input: {
        format: pcm,
        noise_reduction: { type: 'near_field' },
        transcription,
        turn_detection: {
          type: 'server_vad',
          interrupt_response: true,
          create_response: true,
          silence_duration_ms: 500,
        },
      },
      output: { format: pcm, voice: settings.voice ?? 'marin' },
    },
    tools: [
      {
        type: 'function',
        name: 'background_agent',
        description: BACKGROUND_AGENT_DESCRIPTION,
        parameters: {
          type: 'object',
          properties: {
            prompt: { type: 'string', description: 'The user request to delegate to the background agent.' },
          },
          required: ['prompt'],
          additionalProperties: false,
        },
      },
      {
        type: 'function',
        name: 'remain_silent',
        description: REMAIN_SILENT_DESCRIPTION,
        parameters: { type: 'object', properties: {}, additionalProperties: false },
      },
    ],
    tool_choice: 'auto',
  };
}

/** `conversation.item.create` with a text message (`input_text` for user/developer, `output_text` for assistant). */
export function conversationItemCreate(role: 'user' | 'developer' | 'assistant', text: string): unknown {
  const type = role === 'assistant' ? 'output_text' : 'input_text';
  return { type: 'conversation.item.create', item: { type: 'message', role, content: [{ type, text }] } };
}

/**
 * The answer to a handoff: v1 `conversation.handoff.append {handoff_id, output_text}` with the text
 * prefixed by `"Agent Final Message":\n\n`; v2 `conversation.item.create` with a
 * `function_call_output {call_id, output}`.
 */
export function handoffOutput(
  version: RealtimeProtocolVersion,
  handoffId: string,
  outputText: string,
): unknown {
  if (version === 'v1') {
    return {
      type: 'conversation.handoff.append',
      handoff_id: handoffId,
      output_text: `"Agent Final Message":\n\n${outputText}`,
    };
  }
  return {
    type: 'conversation.item.create',
    item: { type: 'function_call_output', call_id: handoffId, output: outputText },
  };
}

/**
 * The realtime WebSocket URL of `provider` (the original's `websocket_url_from_api_url`):
 * - scheme `http` → `ws`, `https` → `wss`, `ws`/`wss` kept; anything else throws
 *   `Error("unsupported realtime api_url scheme: <scheme>")`; an unparseable base URL throws too;
 * - path `""`/`/` → `/v1/realtime`; one ending in `/v1` or `/v1/` gets `realtime` appended; a
 *   trailing `/realtime/` loses its slash; others are kept;
 * - query: `intent=quicksilver` (v1 only), `model=<model>` (if set), then the provider's query
 *   params except `intent` (and `model` when a model is set), form-encoded.
 */
export function realtimeWebsocketUrl(
  provider: Pick<Provider, 'baseUrl' | 'queryParams'>,
  options: { version?: RealtimeProtocolVersion | undefined; model?: string | undefined } = {},
): string {
  const url = new URL(provider.baseUrl);
  const path = url.pathname;
  if (path === '' || path === '/') url.pathname = '/v1/realtime';
  else if (path.endsWith('/realtime/')) url.pathname = path.slice(0, -1);
  else if (path.endsWith('/v1')) url.pathname = `${path}/realtime`;
  else if (path.endsWith('/v1/')) url.pathname = `${path}realtime`;
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'http' || scheme === 'https') {
    const rest = url.href.slice(url.protocol.length);
    return withQuery(`${scheme === 'http' ? 'ws' : 'wss'}:${rest}`, provider, options);
  }
  if (scheme !== 'ws' && scheme !== 'wss') throw new Error(`unsupported realtime api_url scheme: ${scheme}`);
  return withQuery(url.href, provider, options);
}

function withQuery(
  href: string,
  provider: Pick<Provider, 'queryParams'>,
  options: { version?: RealtimeProtocolVersion | undefined; model?: string | undefined },
): string {
  const url = new URL(href);
  const query = url.searchParams;
  if ((options.version ?? 'v1') === 'v1') query.append('intent', 'quicksilver');
  if (options.model !== undefined) query.append('model', options.model);
  for (const [key, value] of Object.entries(provider.queryParams ?? {})) {
    if (key === 'intent' || (key === 'model' && options.model !== undefined)) continue;
    query.append(key, value);
  }
  return url.href;
}
