/**
 * Matching WebSocket frames to the request in flight by response id (issue 6, defect 4).
 *
 * A reused socket carries one response after another, and a server can deliver a frame of an
 * earlier response late (a duplicate `response.completed` of response A while response B is
 * streaming). The original client (codex-rs `responses_websocket.rs`, `run_websocket_response_stream`)
 * matches nothing: the first `response.completed` it reads ends the request in flight, whatever its
 * id, and frames read between requests are queued for the next one. We match instead:
 *
 * 1. The id a frame names is `response.id` when `response` is an object with a string `id`
 *    (`response.created`, `.completed`, `.failed`, `.incomplete`, `.in_progress`, …), else a string
 *    `response_id` field (`response.metadata`, deltas of servers that send it). Frames that name no
 *    response (most deltas, `codex.rate_limits`, `codex.response.metadata`) belong to the request in
 *    flight: nothing else can be told about them.
 * 2. The first frame of a request that names an id names the response in flight (normally its
 *    `response.created`), unless that id is known as an earlier response on this socket (any id
 *    named by an earlier request, or by a frame read between requests, and the request's own
 *    `previous_response_id`) and the frame is not a `response.created`: such a frame (e.g. a late
 *    terminal event of the previous response, read after the new `response.create` was sent but
 *    before its `response.created`) is stale. A `response.created` always names the new response,
 *    so servers that reuse ids across requests keep working.
 * 3. Once the id is known, every frame naming another id is stale.
 * 4. A stale frame is dropped before the event mapper sees it: no event is delivered, it cannot
 *    complete or fail the request, and it does not touch the mapper's state (server model, turn
 *    state). It still counts as socket activity for the idle timeout and is reported to telemetry
 *    with `stale: true`. Every text frame read while no request is in flight is stale as well
 *    (wrapped error frames keep their meaning there: they close the connection).
 * 5. Wrapped error frames (`{"type":"error", …}`) are never stale: they concern the socket or
 *    the request in flight, and dropping one would leave the request waiting for the idle timeout.
 */

import type { JsonObject } from '../internal/json.js';

/** Most ids of earlier responses a connection remembers (oldest forgotten first). */
const MAX_KNOWN_IDS = 64;

/** The response id a parsed frame names: `response.id`, else `response_id`; undefined when none. */
export function frameResponseId(event: JsonObject): string | undefined {
  const response = event.response;
  if (typeof response === 'object' && response !== null) {
    const id = (response as JsonObject).id;
    if (typeof id === 'string') return id;
  }
  const id = event.response_id;
  return typeof id === 'string' ? id : undefined;
}

/** Ids of the responses a connection has carried or been told about (bounded, insertion order). */
export class KnownResponseIds {
  private readonly ids = new Set<string>();

  /** Remembers `id` (a no-op for an id already known). */
  add(id: string): void {
    const ids = this.ids;
    if (ids.has(id)) return;
    ids.add(id);
    if (ids.size > MAX_KNOWN_IDS) {
      for (const oldest of ids) {
        ids.delete(oldest);
        break;
      }
    }
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }
}

/** Per-request side of the rule above: latches the id of the response in flight. */
export class ResponseMatcher {
  private current: string | undefined;

  constructor(private readonly known: KnownResponseIds) {}

  /** The id of the response in flight, once a frame named it. */
  get responseId(): string | undefined {
    return this.current;
  }

  /** True when `event` (a parsed frame other than a wrapped error) belongs to another response. */
  isStale(event: JsonObject): boolean {
    const id = frameResponseId(event);
    if (id === undefined) return false;
    const current = this.current;
    if (current !== undefined) return id !== current;
    if (event.type !== 'response.created' && this.known.has(id)) return true;
    this.current = id;
    this.known.add(id);
    return false;
  }
}
