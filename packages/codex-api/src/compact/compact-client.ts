/**
 * Remote compaction: `POST {base}/responses/compact` (codex-rs `codex-api/src/endpoint/compact.rs`).
 */
import { type HttpTransport, SecretRedactor } from '@codex-ts/client';
import { type ResponseItem, safeParseResponseItem, serializeResponseItem } from '@codex-ts/protocol';
import type { AuthProvider } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { isObject } from '../internal/json.js';
import { ownedTransport } from '../internal/owned-transport.js';
import { registerProviderSecrets } from '../internal/secrets.js';
import { postJson } from '../internal/unary-json.js';
import type { Provider } from '../provider/provider.js';
import type { ResponsesReasoning } from '../responses/request.js';

/**
 * The body of `POST {base}/responses/compact` (`CompactionInput`), snake_case as sent, written
 * in the order `model`, `input`, `instructions` (omitted when empty), `tools`,
 * `parallel_tool_calls`, `reasoning`, `service_tier`, `prompt_cache_key`, `text`.
 */
export interface CompactionInput {
  /** Model slug, e.g. `gpt-5.5`. */
  model: string;
  /** The history to compact. An empty list resolves `[]` without a request. */
  input: ResponseItem[];
  /** Base instructions; omitted when empty or undefined. */
  instructions?: string | undefined;
  /** Raw tool definitions, passed through verbatim; omitted when undefined. */
  tools?: unknown[] | undefined;
  /** Always written. */
  parallel_tool_calls: boolean;
  /** Omitted when undefined or null. */
  reasoning?: ResponsesReasoning | null | undefined;
  /** e.g. `priority`; omitted when undefined. */
  service_tier?: string | undefined;
  /** Omitted when undefined. */
  prompt_cache_key?: string | undefined;
  /** `{ verbosity?, format? }`. */
  text?: Record<string, unknown> | undefined;
}

/** The JSON text of a {@link CompactionInput}, in the wire's key order. */
export function serializeCompactionInput(input: CompactionInput): string {
  const body: Record<string, unknown> = {
    model: input.model,
    input: input.input.map((item) => serializeResponseItem(item)),
  };
  if (input.instructions !== undefined && input.instructions !== '') body.instructions = input.instructions;
  if (input.tools !== undefined) body.tools = input.tools;
  body.parallel_tool_calls = input.parallel_tool_calls;
  if (input.reasoning !== undefined && input.reasoning !== null) {
    const reasoning: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input.reasoning))
      if (value !== undefined) reasoning[key] = value;
    body.reasoning = reasoning;
  }
  if (input.service_tier !== undefined) body.service_tier = input.service_tier;
  if (input.prompt_cache_key !== undefined) body.prompt_cache_key = input.prompt_cache_key;
  if (input.text !== undefined) body.text = input.text;
  return JSON.stringify(body);
}

/** What {@link CompactClient.compact} resolves with. */
export interface CompactionResult {
  /** The replacement history (`output` of the answer), parsed as protocol items (unknown types kept as `other`). */
  output: ResponseItem[];
  /** The answer's `x-codex-turn-state`, when present: the caller's turn state becomes this value. */
  turnState: string | undefined;
  /** The answer's headers, lower-cased names. */
  headers: Readonly<Record<string, string>>;
}

/** Options of {@link CompactClient}. */
export interface CompactClientOptions {
  /** Base URL, query params, static headers, retry policy, `streamIdleTimeoutMs` (for the default timeout). */
  provider: Provider;
  /** Credentials per attempt; its `unauthorizedRecovery()` runs after a 401. */
  auth: AuthProvider;
  /** Shared transport; by default the client creates one (closed by `close()`). */
  transport?: HttpTransport;
  /** Extra trusted CA PEMs for the transport the client creates (ignored with `transport`). */
  ca?: string | readonly string[];
  /** Sent only when no provider, extra or auth header has that name (e.g. `originator`, `user-agent`). */
  defaultHeaders?: Record<string, string>;
  /** Registers the credentials sent and redacts every error. Default: the client's own. */
  redactor?: SecretRedactor;
  /**
   * Deadline of one attempt, ms (the whole exchange). Default `4 × provider.streamIdleTimeoutMs`
   * (20 min with the default 300 s idle timeout), as the original.
   */
  timeoutMs?: number;
}

/** Per-call options of {@link CompactClient.compact}. */
export interface CompactCallOptions {
  /**
   * Request headers of this call (`session-id`, `thread-id`, `x-codex-turn-state`,
   * `x-codex-window-id`, `x-openai-subagent: compact`, `x-codex-beta-features`, …), sent after the
   * provider's headers; a name that repeats a provider header (any case) replaces it.
   */
  extraHeaders?: Record<string, string>;
  /** Aborts the call: rejects with `ApiError('aborted')`. */
  signal?: AbortSignal;
}

/** Multiplier of the stream idle timeout that bounds one compact request. */
export const COMPACT_TIMEOUT_IDLE_MULTIPLIER = 4;

/**
 * Client of `POST {provider.baseUrl}/responses/compact` (remote compaction; the library call a
 * host uses to compact a history on demand). Unary JSON: headers `provider.headers`,
 * `extraHeaders`, `content-type: application/json`, the auth headers, then `defaultHeaders` where
 * absent; no `accept`. The body is serialised once ({@link serializeCompactionInput}) and sent
 * with the provider's retry policy; after a 401 the auth's `unauthorizedRecovery()` steps run and
 * the request is sent again while steps remain.
 *
 * Rejects with a redacted {@link ApiError}: statuses as the Responses client
 * (`apiErrorFromHttpStatus`: 400 `invalid_request`, 429 `usage_limit_reached`/`retry_limit`, 500
 * `internal_server_error`, …), `request_timeout` after `timeoutMs`, `connection_failed`,
 * `aborted`, `auth` / `refresh_token_failed` / `auth_transient` from the auth provider, and
 * `stream` "compact: …" for a 2xx that is not JSON or not `{"output":[items]}`.
 */
export class CompactClient {
  private readonly options: CompactClientOptions;
  private readonly transport: HttpTransport;
  private readonly closeTransport: () => Promise<void>;
  /** The redactor of the options (or the client's own). */
  readonly redactor: SecretRedactor;

  constructor(options: CompactClientOptions) {
    this.options = options;
    const owned = ownedTransport(options);
    this.transport = owned.transport;
    this.closeTransport = owned.close;
    this.redactor = options.redactor ?? new SecretRedactor();
    registerProviderSecrets(this.redactor, options.provider);
  }

  /** The deadline of one attempt in ms (the option, else 4 × the stream idle timeout). */
  get timeoutMs(): number {
    return (
      this.options.timeoutMs ?? COMPACT_TIMEOUT_IDLE_MULTIPLIER * this.options.provider.streamIdleTimeoutMs
    );
  }

  /**
   * Compacts `input.input` into a replacement history. An empty `input.input` resolves with
   * `{ output: [], turnState: undefined, headers: {} }` without a request. Errors: see the class.
   */
  async compact(input: CompactionInput, options: CompactCallOptions = {}): Promise<CompactionResult> {
    if (input.input.length === 0) return { output: [], turnState: undefined, headers: {} };
    const { json, headers } = await postJson(
      {
        provider: this.options.provider,
        auth: this.options.auth,
        transport: this.transport,
        redactor: this.redactor,
        path: 'responses/compact',
        body: serializeCompactionInput(input),
        extraHeaders: options.extraHeaders,
        defaultHeaders: this.options.defaultHeaders,
        timeoutMs: this.timeoutMs,
        signal: options.signal,
      },
      'compact',
    );
    if (!isObject(json) || !Array.isArray(json.output)) {
      throw new ApiError('stream', 'compact: expected {"output": [items]} in the answer');
    }
    const output: ResponseItem[] = [];
    for (const [index, raw] of json.output.entries()) {
      const parsed = safeParseResponseItem(raw);
      if (!parsed.success) throw new ApiError('stream', `compact: output[${index}] is not a response item`);
      output.push(parsed.item);
    }
    return { output, turnState: headers['x-codex-turn-state'], headers };
  }

  /** Closes the transport when this client created it. */
  async close(): Promise<void> {
    await this.closeTransport();
  }
}
