/**
 * The active transcript of a v1 realtime session: what was said since the last handoff, given to
 * the background agent with the next `handoffRequested` (codex-rs `realtime_websocket/methods.rs`).
 */
import type { RealtimeEvent, RealtimeTranscriptEntry } from './events.js';

/** Largest active transcript handed over, in UTF-8 bytes. */
export const ACTIVE_TRANSCRIPT_MAX_BYTES = 8 * 1024;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * Keeps the last `maxBytes` of the entries: oldest entries dropped, the first kept one cut at its
 * start (on a character boundary) behind `…`, or dropped when not even `…` and one character fit.
 */
export function capTranscript(
  entries: RealtimeTranscriptEntry[],
  maxBytes = ACTIVE_TRANSCRIPT_MAX_BYTES,
): RealtimeTranscriptEntry[] {
  const kept = entries.map((e) => ({ ...e }));
  let total = kept.reduce((sum, e) => sum + bytes(e.text), 0);
  while (total > maxBytes && kept.length > 0) {
    const first = kept[0] as RealtimeTranscriptEntry;
    const size = bytes(first.text);
    if (total - size >= maxBytes) {
      kept.shift();
      total -= size;
      continue;
    }
    // Cut the start of the first entry so the whole fits, on a character boundary.
    const room = maxBytes - (total - size) - bytes('…');
    const chars = Array.from(first.text);
    let tail = '';
    for (let i = chars.length - 1; i >= 0; i--) {
      const next = (chars[i] as string) + tail;
      if (bytes(next) > room) break;
      tail = next;
    }
    // Not even `…` and one character fit: drop the entry (the rest fits, see above).
    if (tail === '') kept.shift();
    else first.text = `…${tail}`;
    break;
  }
  return kept;
}

/** Accumulates transcript deltas and finals by role. */
export class ActiveTranscript {
  private entries: RealtimeTranscriptEntry[] = [];

  /** Records what `event` says; a v1 `handoffRequested` takes the transcript (capped) and starts a new one. */
  observe(event: RealtimeEvent, takeOnHandoff: boolean): RealtimeEvent {
    switch (event.type) {
      case 'inputTranscriptDelta':
        this.append('user', event.delta, false);
        return event;
      case 'inputTranscriptDone':
        this.append('user', event.text, true);
        return event;
      case 'outputTranscriptDelta':
        this.append('assistant', event.delta, false);
        return event;
      case 'outputTranscriptDone':
        this.append('assistant', event.text, true);
        return event;
      case 'handoffRequested': {
        if (!takeOnHandoff) return event;
        const activeTranscript = capTranscript(this.entries);
        this.entries = [];
        return { ...event, activeTranscript };
      }
      default:
        return event;
    }
  }

  private append(role: 'user' | 'assistant', text: string, final: boolean): void {
    if (text === '') return;
    const last = this.entries.at(-1);
    if (last !== undefined && last.role === role) {
      // A final text replaces the deltas of the same part; a delta extends it.
      last.text = final ? text : last.text + text;
      return;
    }
    this.entries.push({ role, text });
  }
}
