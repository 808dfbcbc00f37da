/**
 * Memory trace summaries: `POST {base}/memories/trace_summarize` (codex-rs
 * `codex-api/src/endpoint/memories.rs`).
 */
import { type HttpTransport, SecretRedactor } from '@codex-ts/client';
import type { AuthProvider } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { isObject } from '../internal/json.js';
import { ownedTransport } from '../internal/owned-transport.js';
import { registerProviderSecrets } from '../internal/secrets.js';
import { postJson } from '../internal/unary-json.js';
import type { Provider } from '../provider/provider.js';

/** One trace to summarise: `{ id, metadata: { source_path }, items: [raw JSON items] }` on the wire. */
export interface MemoryTrace {
  /** The trace id, e.g. `trace-1`. */
  id: string;
  /** Where the trace was read from (`source_path`, e.g. `traces/trace-1.json`). */
  metadata: { source_path: string };
  /** The trace's items, sent verbatim (JSON values). */
  items: unknown[];
}

/**
 * The request (`MemorySummarizeInput`): `{ model, traces, reasoning?: { effort } }` on the wire,
 * in that order. Effort `ultra` is sent as `max`.
 */
export interface TraceSummarizeInput {
  /** Model slug. */
  model: string;
  /** The traces (the wire name is `traces`). An empty list resolves `[]` without a request. */
  traces: MemoryTrace[];
  /** `{ effort }` (`low`, `medium`, …; `ultra` is sent as `max`); omitted when undefined. */
  reasoning?: { effort: string } | undefined;
}

/** One summary of the answer: `trace_summary` (alias `raw_memory` accepted) and `memory_summary`. */
export interface TraceSummary {
  /** `trace_summary` (or `raw_memory`) of the answer. */
  traceSummary: string;
  /** `memory_summary` of the answer. */
  memorySummary: string;
}

/** The JSON text of a {@link TraceSummarizeInput}, in the wire's key order (`ultra` → `max`). */
export function serializeTraceSummarizeInput(input: TraceSummarizeInput): string {
  const body: Record<string, unknown> = {
    model: input.model,
    traces: input.traces.map((t) => ({
      id: t.id,
      metadata: { source_path: t.metadata.source_path },
      items: t.items,
    })),
  };
  if (input.reasoning !== undefined) {
    body.reasoning = { effort: input.reasoning.effort === 'ultra' ? 'max' : input.reasoning.effort };
  }
  return JSON.stringify(body);
}

/** Options of {@link TraceSummarizeClient}. */
export interface TraceSummarizeClientOptions {
  /** Base URL, query params, static headers, retry policy. */
  provider: Provider;
  /** Credentials per attempt; its `unauthorizedRecovery()` runs after a 401. */
  auth: AuthProvider;
  /** Shared transport; by default the client creates one (closed by `close()`). */
  transport?: HttpTransport;
  /** Extra trusted CA PEMs for the transport the client creates (ignored with `transport`). */
  ca?: string | readonly string[];
  /** Sent only when no provider, extra or auth header has that name (e.g. `originator`). */
  defaultHeaders?: Record<string, string>;
  /** Registers the credentials sent and redacts every error. Default: the client's own. */
  redactor?: SecretRedactor;
  /** Deadline of one attempt, ms (whole exchange). Default: none (the original sets none). */
  timeoutMs?: number;
}

/** Per-call options of {@link TraceSummarizeClient.summarize}. */
export interface TraceSummarizeCallOptions {
  /**
   * Request headers of this call, e.g. `{ 'x-openai-subagent': 'memory_consolidation',
   * 'x-openai-memgen-request': 'true' }`; a name repeating a provider header replaces it.
   */
  extraHeaders?: Record<string, string>;
  /** Aborts the call: rejects with `ApiError('aborted')`. */
  signal?: AbortSignal;
}

/**
 * Client of `POST {provider.baseUrl}/memories/trace_summarize`. Unary JSON with the same headers,
 * retry policy, 401 recovery and redaction as `CompactClient`. Resolves with one
 * {@link TraceSummary} per output entry, in the server's order. Rejects with a redacted
 * {@link ApiError}: HTTP statuses as the Responses client (`apiErrorFromHttpStatus`),
 * `request_timeout`, `connection_failed`, `aborted`, the auth codes, and `stream`
 * "trace_summarize: …" for a 2xx that is not JSON, lacks `output`, or has an entry without string
 * `trace_summary`/`raw_memory` and `memory_summary`.
 */
export class TraceSummarizeClient {
  private readonly options: TraceSummarizeClientOptions;
  private readonly transport: HttpTransport;
  private readonly closeTransport: () => Promise<void>;
  /** The redactor of the options (or the client's own). */
  readonly redactor: SecretRedactor;

  constructor(options: TraceSummarizeClientOptions) {
    this.options = options;
    const owned = ownedTransport(options);
    this.transport = owned.transport;
    this.closeTransport = owned.close;
    this.redactor = options.redactor ?? new SecretRedactor();
    registerProviderSecrets(this.redactor, options.provider);
  }

  /** Summarises `input.traces`; an empty list resolves `[]` without a request. Errors: see the class. */
  async summarize(
    input: TraceSummarizeInput,
    options: TraceSummarizeCallOptions = {},
  ): Promise<TraceSummary[]> {
    if (input.traces.length === 0) return [];
    const { json } = await postJson(
      {
        provider: this.options.provider,
        auth: this.options.auth,
        transport: this.transport,
        redactor: this.redactor,
        path: 'memories/trace_summarize',
        body: serializeTraceSummarizeInput(input),
        extraHeaders: options.extraHeaders,
        defaultHeaders: this.options.defaultHeaders,
        timeoutMs: this.options.timeoutMs,
        signal: options.signal,
      },
      'trace_summarize',
    );
    if (!isObject(json) || !Array.isArray(json.output)) {
      throw new ApiError('stream', 'trace_summarize: expected {"output": [...]} in the answer');
    }
    return json.output.map((entry, index) => {
      const trace = isObject(entry) ? (entry.trace_summary ?? entry.raw_memory) : undefined;
      const memory = isObject(entry) ? entry.memory_summary : undefined;
      if (typeof trace !== 'string' || typeof memory !== 'string') {
        throw new ApiError(
          'stream',
          `trace_summarize: output[${index}] needs string trace_summary and memory_summary`,
        );
      }
      return { traceSummary: trace, memorySummary: memory };
    });
  }

  /** Closes the transport when this client created it. */
  async close(): Promise<void> {
    await this.closeTransport();
  }
}
