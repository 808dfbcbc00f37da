/**
 * Values shared by the event and metric sides of SessionTelemetry: event kinds, durations, error
 * messages and prompt lengths. Internal to the package (not exported from `src/index.ts`).
 */

import type { SecretRedactor } from '@codex-ts/client';

/** A log / span event attribute value. */
export type Attr = string | number | boolean;
/** The event-specific attributes of one log / span event, before the common ones are added. */
export type AttrMap = Record<string, Attr>;

/** The Responses event (SSE `event:` / WebSocket JSON `type`) that counts as a failure. */
export const RESPONSE_FAILED = 'response.failed';
/** The WebSocket frame `type` whose `timing_metrics` feed the timing histograms. */
export const WEBSOCKET_TIMING_KIND = 'responsesapi.websocket_timing';
/** Longest event kind taken from an SSE event (UTF-16 code units). */
export const MAX_KIND_LENGTH = 128;
/** Longest `error.message` recorded (UTF-16 code units); longer messages are cut. */
export const MAX_ERROR_MESSAGE_LENGTH = 2048;

/**
 * The `error.message` of a failure: an `Error`'s (or error-like object's) `message`, a string as is,
 * anything else through `String()`. Secrets known to `redactor` are masked first (so a secret
 * cut by the limit cannot leak its head), then the text is cut to {@link MAX_ERROR_MESSAGE_LENGTH}.
 */
export function errorMessage(error: unknown, redactor: SecretRedactor): string {
  let message: string;
  if (error instanceof Error) message = error.message;
  else if (typeof error === 'string') message = error;
  else if (typeof error === 'object' && error !== null && typeof (error as Error).message === 'string')
    message = (error as Error).message;
  else message = String(error);
  message = redactor.redact(message);
  return message.length > MAX_ERROR_MESSAGE_LENGTH ? message.slice(0, MAX_ERROR_MESSAGE_LENGTH) : message;
}

/**
 * A duration (ms) fit for a histogram: whole ms, truncated, as 0.169.0 records every
 * `*duration_ms` histogram (a sub-ms SSE event is 0); negative, NaN and infinite values become 0.
 */
export function durationValue(ms: number): number {
  return ms > 0 && Number.isFinite(ms) ? Math.trunc(ms) : 0;
}

/** Whole ms of a duration ({@link durationValue}): integer attributes such as `ttft_ms`. */
export function truncMs(ms: number): number {
  return durationValue(ms);
}

/** `duration_ms` of an event: whole ms as a decimal string, as 0.169.0 exported it. */
export function durationMsText(ms: number): string {
  return String(truncMs(ms));
}

/** Unicode code points in `text` (a surrogate pair counts once): `prompt_length` of `codex.user_prompt`. */
export function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Most distinct event kinds {@link internKind} keeps; further kinds are copied on every call. */
export const MAX_INTERNED_KINDS = 256;

// Kind → its own flat copy (see internKind), and the last copy returned (a stream repeats one kind).
const internedKinds = new Map<string, string>();
let lastKind = '';

/**
 * `kind` as a string of its own: the same flat copy for every equal kind (the first
 * {@link MAX_INTERNED_KINDS} kinds seen by the process), a fresh flat copy beyond. An event kind
 * is cut from the decoder's chunk text (`slice`), and V8 makes a slice of 13 or more characters
 * a view that keeps the whole chunk alive: a `codex.sse_event` record that held it would keep
 * every decoded chunk of the stream in the heap until the record is exported.
 */
export function internKind(kind: string): string {
  // Comparing the text is cheaper than hashing it for the map.
  if (kind === lastKind) return lastKind;
  let own = internedKinds.get(kind);
  if (own === undefined) {
    // A string built from character codes has its own storage (no view into `kind`'s parent).
    own = kind.length === 0 ? '' : String.fromCharCode.apply(null, kindCodes(kind));
    if (internedKinds.size < MAX_INTERNED_KINDS) internedKinds.set(own, own);
  }
  lastKind = own;
  return own;
}

function kindCodes(kind: string): number[] {
  const codes = new Array<number>(kind.length);
  for (let i = 0; i < kind.length; i++) codes[i] = kind.charCodeAt(i);
  return codes;
}

/**
 * The event kind of an SSE event without parsing its JSON: the SSE `event:` field (the Responses
 * API sets it to the event type), cut to {@link MAX_KIND_LENGTH}; for an unnamed event (`message`
 * or empty), the value of a leading `{"type":"…"` in `data` when it is at most that long (and
 * not empty); otherwise `message`. Always a string of its own ({@link internKind}), never a view
 * into the event's text.
 */
export function sseKind(event: { readonly event: string; readonly data: string }): string {
  const name = event.event;
  if (name !== 'message' && name !== '') {
    return internKind(name.length > MAX_KIND_LENGTH ? name.slice(0, MAX_KIND_LENGTH) : name);
  }
  const data = event.data;
  if (data.startsWith('{"type":"')) {
    const end = data.indexOf('"', 9);
    if (end > 9 && end - 9 <= MAX_KIND_LENGTH) return internKind(data.slice(9, end));
  }
  return 'message';
}
