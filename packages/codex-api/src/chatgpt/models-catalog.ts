/**
 * The models catalog of the Codex backend: `GET {baseUrl}/models?client_version=<v>`
 * (observed-cli-auth §7; shapes from codex-rs `protocol/src/openai_models.rs` `ModelInfo` /
 * `ModelsResponse`). Never compressed, no `If-None-Match`.
 */
import { HttpStatusError, type HttpTransport, SecretRedactor, TransportError } from '@codex-ts/client';
import { lazySchema } from '@codex-ts/protocol';
import { z } from 'zod';
import type { AuthProvider } from '../auth/auth-provider.js';
import { checkAuthHeaders } from '../auth/check-auth-headers.js';
import { ApiError } from '../errors/api-error.js';
import { apiErrorFromAuthFailure } from '../errors/map-errors.js';
import { ownedTransport } from '../internal/owned-transport.js';
import { registerAuthHeaders } from '../internal/secrets.js';

const effort = z.string();

/**
 * One model of the catalog (`ModelInfo`): `slug` required, the other known fields typed when
 * present (`display_name`, `description`, `default_reasoning_level`, `supported_reasoning_levels`
 * `[{effort, description}]`, `shell_type`, `visibility` `list`/`hide`/`none`, `supported_in_api`,
 * `priority`, `upgrade`, `base_instructions`, `model_messages`, `supports_reasoning_summaries`,
 * `support_verbosity`, `default_verbosity`, `apply_patch_tool_type`, `truncation_policy`
 * `{mode, limit}`, `supports_parallel_tool_calls`, `context_window`, `auto_compact_token_limit`,
 * `effective_context_window_percent` (%), `experimental_supported_tools`, `input_modalities`);
 * unknown fields kept, so a cache can write an entry back unchanged.
 */
export const ModelInfoSchema = lazySchema(() =>
  z.looseObject({
    slug: z.string(),
    display_name: z.string().optional(),
    description: z.string().nullable().optional(),
    default_reasoning_level: effort.nullable().optional(),
    supported_reasoning_levels: z
      .array(z.looseObject({ effort, description: z.string().optional() }))
      .optional(),
    shell_type: z.string().optional(),
    visibility: z.string().optional(),
    supported_in_api: z.boolean().optional(),
    priority: z.number().optional(),
    upgrade: z
      .looseObject({ model: z.string(), migration_markdown: z.string().optional() })
      .nullable()
      .optional(),
    base_instructions: z.string().optional(),
    model_messages: z.looseObject({}).nullable().optional(),
    supports_reasoning_summaries: z.boolean().optional(),
    support_verbosity: z.boolean().optional(),
    default_verbosity: z.string().nullable().optional(),
    apply_patch_tool_type: z.string().nullable().optional(),
    truncation_policy: z.looseObject({ mode: z.string(), limit: z.number() }).optional(),
    supports_parallel_tool_calls: z.boolean().optional(),
    context_window: z.number().nullable().optional(),
    auto_compact_token_limit: z.number().nullable().optional(),
    effective_context_window_percent: z.number().optional(),
    experimental_supported_tools: z.array(z.string()).optional(),
    input_modalities: z.array(z.string()).optional(),
  }),
);
/** A parsed catalog entry (see {@link ModelInfoSchema}). */
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

/** The `/models` answer: `{ models: ModelInfo[] }` (unknown top-level fields kept). */
export const ModelsResponseSchema = lazySchema(() => z.looseObject({ models: z.array(ModelInfoSchema) }));

/** What {@link ModelsCatalogClient.fetch} resolves with. */
export interface ModelsCatalog {
  /** The entries, in the server's order. */
  readonly models: ModelInfo[];
  /** The response's `etag` header as sent (quotes kept, e.g. `"models-etag-1"`), if any. */
  readonly etag: string | undefined;
}

/** Stable codes of {@link ModelsCatalogError}. */
export type ModelsCatalogErrorCode =
  | 'unauthorized'
  | 'unexpected_status'
  | 'invalid_response'
  | 'connection_failed'
  | 'request_timeout'
  | 'network'
  | 'aborted';

/**
 * The catalog could not be fetched. `code`: `unauthorized` (HTTP 401: run the auth's
 * `UnauthorizedRecovery` and fetch again), `unexpected_status` (other non-2xx, `status` set),
 * `invalid_response` (not JSON, or not `{models: [...]}` with a `slug` per entry),
 * `connection_failed`, `request_timeout`, `network` (failed after connecting), `aborted`.
 * The message names the code and status, never a header or the body; `cause` is redacted.
 * `retryable`: true for 5xx, `connection_failed`, `request_timeout`, `network`.
 */
export class ModelsCatalogError extends Error {
  override readonly name = 'ModelsCatalogError';
  readonly status: number | undefined;
  constructor(
    readonly code: ModelsCatalogErrorCode,
    message: string,
    options: { status?: number | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
  }
  /** See the class doc. */
  get retryable(): boolean {
    if (this.code === 'unexpected_status') return (this.status ?? 0) >= 500;
    return this.code === 'connection_failed' || this.code === 'request_timeout' || this.code === 'network';
  }
}

/**
 * The models ETag a `/responses` answer announces (`x-models-etag`, HTTP header or WebSocket
 * `codex.response.metadata` header), trimmed; `undefined` when absent or blank. `headers` has
 * lower-cased names. Compare it with the cached catalog's `etag` as an opaque string: a
 * difference means "fetch the catalog again" (observed-cli-auth §7).
 */
export function parseModelsEtag(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = headers['x-models-etag']?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Options of {@link ModelsCatalogClient}. */
export interface ModelsCatalogClientOptions {
  /** The Codex backend base URL without trailing slash (`openai_base_url`, e.g. `…/backend-api/codex`). */
  baseUrl: string;
  /** The client version sent as `version` and `client_version` (e.g. `0.169.0`). */
  clientVersion: string;
  /** Credentials per request (`authorization`, `chatgpt-account-id`). */
  auth: AuthProvider;
  /** `originator` header value (e.g. `codex_exec`). */
  originator: string;
  /** `user-agent` header value, sent as given. */
  userAgent: string;
  /** Shared transport; by default the client creates one (closed by `close()`). */
  transport?: HttpTransport;
  /** Extra CA PEMs for the transport the client creates (ignored with `transport`). */
  ca?: string | readonly string[];
  /** Deadline of one fetch, ms. Default 5 000. */
  timeoutMs?: number;
  /** Where the credentials sent are registered; every error's `cause` is redacted with it. */
  redactor?: SecretRedactor;
}

/**
 * Client of `GET {baseUrl}/models?client_version=<clientVersion>`. Headers in the observed wire
 * order: `version`, the auth headers (`authorization`, `chatgpt-account-id`), `originator`,
 * `user-agent`, `accept: *\/*`; no `If-None-Match`, no body. One request per `fetch()`, no retry.
 */
export class ModelsCatalogClient {
  private readonly options: ModelsCatalogClientOptions;
  private readonly transport: HttpTransport;
  private readonly closeTransport: () => Promise<void>;
  /** The redactor of the options (or the client's own). */
  readonly redactor: SecretRedactor;

  constructor(options: ModelsCatalogClientOptions) {
    this.options = options;
    const owned = ownedTransport(options);
    this.transport = owned.transport;
    this.closeTransport = owned.close;
    this.redactor = options.redactor ?? new SecretRedactor();
  }

  /** The catalog URL (`client_version` URL-encoded). */
  get url(): string {
    return `${this.options.baseUrl}/models?client_version=${encodeURIComponent(this.options.clientVersion)}`;
  }

  /**
   * Fetches the catalog. Resolves with the typed entries and the `etag` header; rejects with a
   * {@link ModelsCatalogError}; an `authHeaders()` failure is an `ApiError` as on the Responses
   * clients (`refresh_token_failed` / `auth_transient` pass through, anything else is the
   * non-retryable `auth` "could not get credentials: …", an abort `aborted`).
   */
  async fetch(options: { signal?: AbortSignal } = {}): Promise<ModelsCatalog> {
    let auth: Record<string, string>;
    try {
      auth = checkAuthHeaders(await this.options.auth.authHeaders(options.signal));
    } catch (error) {
      throw this.redactor.redactError(apiErrorFromAuthFailure(error, options.signal));
    }
    registerAuthHeaders(this.redactor, auth);
    const headers: Record<string, string> = { version: this.options.clientVersion };
    for (const [name, value] of Object.entries(auth)) headers[name.toLowerCase()] = value;
    headers.originator = this.options.originator;
    headers['user-agent'] = this.options.userAgent;
    headers.accept = '*/*';
    let text: string;
    let etag: string | undefined;
    try {
      const response = await this.transport.request({
        method: 'GET',
        url: this.url,
        headers,
        timeoutMs: this.options.timeoutMs ?? 5_000,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      text = response.text();
      etag = response.headers.etag;
    } catch (error) {
      throw this.mapError(this.redactor.redactError(error));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ModelsCatalogError('invalid_response', 'models catalog: the answer is not JSON');
    }
    const parsed = ModelsResponseSchema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') ?? '';
      throw new ModelsCatalogError(
        'invalid_response',
        `models catalog: unexpected answer shape at "${where}"`,
      );
    }
    return { models: parsed.data.models, etag };
  }

  /** Closes the transport when this client created it. */
  async close(): Promise<void> {
    await this.closeTransport();
  }

  private mapError(error: unknown): Error {
    if (ApiError.isInstance(error)) return error;
    if (HttpStatusError.isInstance(error)) {
      const code = error.status === 401 ? 'unauthorized' : 'unexpected_status';
      return new ModelsCatalogError(code, `models catalog: unexpected status ${error.status}`, {
        status: error.status,
        cause: error,
      });
    }
    if (TransportError.isInstance(error)) {
      const code: ModelsCatalogErrorCode =
        error.code === 'connection'
          ? 'connection_failed'
          : error.code === 'timeout'
            ? 'request_timeout'
            : error.code === 'aborted'
              ? 'aborted'
              : 'network';
      return new ModelsCatalogError(code, `models catalog: ${code.replace('_', ' ')}`, { cause: error });
    }
    return new ModelsCatalogError('network', 'models catalog: request failed', { cause: error });
  }
}
