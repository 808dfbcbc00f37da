/**
 * Inbound events of the realtime WebSocket and their parsers (codex-rs
 * `codex-api/src/endpoint/realtime_websocket/protocol_v1.rs`, `protocol_v2.rs`,
 * `protocol_common.rs`).
 */
import { isObject, type JsonObject } from '../internal/json.js';

/** The realtime wire protocol: `v1` (`intent=quicksilver`, the original's default) or `v2` (`type: "realtime"` sessions). */
export type RealtimeProtocolVersion = 'v1' | 'v2';

/** One frame of base64 PCM audio. `sampleRate` in Hz. */
export interface RealtimeAudioFrame {
  /** Base64 PCM16 samples. */
  data: string;
  /** Hz (24 000 by default on v2). */
  sampleRate: number;
  /** Interleaved channels (1 = mono). */
  numChannels: number;
  /** Samples per channel in this frame, when the server says. */
  samplesPerChannel?: number | undefined;
  /** The output item the audio belongs to (v2), when the server says. */
  itemId?: string | undefined;
}

/** One entry of the active transcript handed to a background agent. */
export interface RealtimeTranscriptEntry {
  /** Who spoke. */
  role: 'user' | 'assistant';
  /** What was said (a final transcript replaces the deltas of the same part). */
  text: string;
}

/**
 * A typed inbound realtime event, tagged by `type` (the original's `RealtimeEvent` variants in
 * camelCase):
 * - `sessionUpdated` `{ realtimeSessionId, instructions? }` (`session.updated`);
 * - `inputAudioSpeechStarted` `{ itemId? }` (v2 `input_audio_buffer.speech_started`);
 * - `inputTranscriptDelta` / `outputTranscriptDelta` `{ delta }`, `inputTranscriptDone` /
 *   `outputTranscriptDone` `{ text }`;
 * - `audioOut` `{ frame }` (`conversation.output_audio.delta` on v1, `response.output_audio.delta` /
 *   `response.audio.delta` on v2);
 * - `responseCreated` / `responseCancelled` / `responseDone` `{ responseId? }` (v2);
 * - `conversationItemAdded` `{ item }` (raw JSON), `conversationItemDone` `{ itemId }`;
 * - `handoffRequested` `{ handoffId, itemId, inputTranscript, activeTranscript }`: the model hands
 *   the user's request to a background agent (v1 `conversation.handoff.requested`, v2 a
 *   `background_agent` function call); answer with `sendHandoffOutput(handoffId, text)`;
 * - `noopRequested` `{ callId, itemId }` (v2 `remain_silent` call);
 * - `error` `{ message }`: an `error` event from the server, or a binary frame ("unexpected binary
 *   realtime websocket event"); the connection stays open.
 */
export type RealtimeEvent =
  | { type: 'sessionUpdated'; realtimeSessionId: string; instructions: string | undefined }
  | { type: 'inputAudioSpeechStarted'; itemId: string | undefined }
  | { type: 'inputTranscriptDelta'; delta: string }
  | { type: 'inputTranscriptDone'; text: string }
  | { type: 'outputTranscriptDelta'; delta: string }
  | { type: 'outputTranscriptDone'; text: string }
  | { type: 'audioOut'; frame: RealtimeAudioFrame }
  | { type: 'responseCreated'; responseId: string | undefined }
  | { type: 'responseCancelled'; responseId: string | undefined }
  | { type: 'responseDone'; responseId: string | undefined }
  | { type: 'conversationItemAdded'; item: unknown }
  | { type: 'conversationItemDone'; itemId: string }
  | {
      type: 'handoffRequested';
      handoffId: string;
      itemId: string;
      inputTranscript: string;
      activeTranscript: RealtimeTranscriptEntry[];
    }
  | { type: 'noopRequested'; callId: string; itemId: string }
  | { type: 'error'; message: string };

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const uint = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

function sessionUpdated(event: JsonObject): RealtimeEvent | undefined {
  const session = isObject(event.session) ? event.session : undefined;
  const id = str(session?.id);
  if (id === undefined) return undefined;
  return { type: 'sessionUpdated', realtimeSessionId: id, instructions: str(session?.instructions) };
}

function errorEvent(event: JsonObject): RealtimeEvent | undefined {
  const error = event.error;
  const message =
    str(event.message) ??
    (isObject(error) ? str(error.message) : undefined) ??
    (error === undefined ? undefined : JSON.stringify(error));
  return message === undefined ? undefined : { type: 'error', message };
}

function text(
  type: 'inputTranscriptDone' | 'outputTranscriptDone',
  value: unknown,
): RealtimeEvent | undefined {
  const t = str(value);
  return t === undefined ? undefined : { type, text: t };
}

function delta(
  type: 'inputTranscriptDelta' | 'outputTranscriptDelta',
  value: unknown,
): RealtimeEvent | undefined {
  const d = str(value);
  return d === undefined ? undefined : { type, delta: d };
}

function itemAdded(event: JsonObject): RealtimeEvent | undefined {
  return event.item === undefined ? undefined : { type: 'conversationItemAdded', item: event.item };
}

function itemDone(item: unknown): RealtimeEvent | undefined {
  const id = isObject(item) ? str(item.id) : undefined;
  return id === undefined ? undefined : { type: 'conversationItemDone', itemId: id };
}

function parseV1(type: string, event: JsonObject): RealtimeEvent | undefined {
  switch (type) {
    case 'session.updated':
      return sessionUpdated(event);
    case 'conversation.output_audio.delta': {
      const data = str(event.delta) ?? str(event.data);
      const sampleRate = uint(event.sample_rate);
      const numChannels = uint(event.channels) ?? uint(event.num_channels);
      if (data === undefined || sampleRate === undefined || numChannels === undefined) return undefined;
      return {
        type: 'audioOut',
        frame: {
          data,
          sampleRate,
          numChannels,
          samplesPerChannel: uint(event.samples_per_channel),
          itemId: str(event.item_id),
        },
      };
    }
    case 'conversation.input_transcript.delta':
    case 'conversation.item.input_audio_transcription.delta':
      return delta('inputTranscriptDelta', event.delta);
    case 'conversation.input_transcript.turn_marked':
    case 'conversation.item.input_audio_transcription.completed':
      return text('inputTranscriptDone', event.transcript ?? event.text);
    case 'conversation.output_transcript.delta':
    case 'response.output_text.delta':
    case 'response.output_audio_transcript.delta':
      return delta('outputTranscriptDelta', event.delta);
    case 'response.output_audio_transcript.done':
      return text('outputTranscriptDone', event.transcript);
    case 'conversation.item.added':
      return itemAdded(event);
    case 'conversation.item.done':
      return itemDone(event.item);
    case 'conversation.handoff.requested': {
      const handoffId = str(event.handoff_id);
      const itemId = str(event.item_id);
      const inputTranscript = str(event.input_transcript);
      if (handoffId === undefined || itemId === undefined || inputTranscript === undefined) return undefined;
      return { type: 'handoffRequested', handoffId, itemId, inputTranscript, activeTranscript: [] };
    }
    case 'error':
      return errorEvent(event);
    default:
      return undefined;
  }
}

const TRANSCRIPT_ARGUMENT_KEYS = ['input_transcript', 'input', 'text', 'prompt', 'query'] as const;

function transcriptFromArguments(args: string): string {
  if (args === '') return '';
  try {
    const parsed: unknown = JSON.parse(args);
    if (isObject(parsed)) {
      for (const key of TRANSCRIPT_ARGUMENT_KEYS) {
        const value = str(parsed[key])?.trim();
        if (value) return value;
      }
    }
  } catch {
    // not JSON: the raw argument string is the transcript
  }
  return args;
}

function v2ItemDone(event: JsonObject): RealtimeEvent | undefined {
  const item = event.item;
  if (!isObject(item)) return undefined;
  if (item.type === 'function_call' && (item.name === 'background_agent' || item.name === 'remain_silent')) {
    const callId = str(item.call_id) ?? str(item.id);
    if (callId !== undefined) {
      const itemId = str(item.id) ?? callId;
      if (item.name === 'remain_silent') return { type: 'noopRequested', callId, itemId };
      return {
        type: 'handoffRequested',
        handoffId: callId,
        itemId,
        inputTranscript: transcriptFromArguments(str(item.arguments) ?? ''),
        activeTranscript: [],
      };
    }
  }
  return itemDone(item);
}

function responseId(event: JsonObject): string | undefined {
  return (isObject(event.response) ? str(event.response.id) : undefined) ?? str(event.response_id);
}

function parseV2(type: string, event: JsonObject): RealtimeEvent | undefined {
  switch (type) {
    case 'session.updated':
      return sessionUpdated(event);
    case 'response.output_audio.delta':
    case 'response.audio.delta': {
      const data = str(event.delta);
      if (data === undefined) return undefined;
      return {
        type: 'audioOut',
        frame: {
          data,
          sampleRate: uint(event.sample_rate) ?? 24_000,
          numChannels: uint(event.channels) ?? uint(event.num_channels) ?? 1,
          samplesPerChannel: uint(event.samples_per_channel),
          itemId: str(event.item_id),
        },
      };
    }
    case 'conversation.item.input_audio_transcription.delta':
      return delta('inputTranscriptDelta', event.delta);
    case 'conversation.item.input_audio_transcription.completed':
      return text('inputTranscriptDone', event.transcript);
    case 'response.output_text.delta':
    case 'response.output_audio_transcript.delta':
      return delta('outputTranscriptDelta', event.delta);
    case 'response.output_text.done':
      return text('outputTranscriptDone', event.text);
    case 'response.output_audio_transcript.done':
      return text('outputTranscriptDone', event.transcript);
    case 'input_audio_buffer.speech_started':
      return { type: 'inputAudioSpeechStarted', itemId: str(event.item_id) };
    case 'conversation.item.added':
    case 'conversation.item.created':
      return itemAdded(event);
    case 'conversation.item.done':
      return v2ItemDone(event);
    case 'response.created':
      return { type: 'responseCreated', responseId: responseId(event) };
    case 'response.cancelled':
      return { type: 'responseCancelled', responseId: responseId(event) };
    case 'response.done':
      return { type: 'responseDone', responseId: responseId(event) };
    case 'error':
      return errorEvent(event);
    default:
      return undefined;
  }
}

/**
 * Parses one text frame of the realtime WebSocket with the mapping of `version`. Returns
 * `undefined` for what the original ignores: text that is not JSON, an event without a string
 * `type`, an unknown type, or a known type missing a required field (e.g. a v1 audio delta
 * without `sample_rate`).
 */
export function parseRealtimeEvent(
  text: string,
  version: RealtimeProtocolVersion,
): RealtimeEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || typeof parsed.type !== 'string') return undefined;
  return version === 'v1' ? parseV1(parsed.type, parsed) : parseV2(parsed.type, parsed);
}
