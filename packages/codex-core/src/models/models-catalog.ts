// The models catalog of the ChatGPT Codex backend (upstream `ModelsManager`, observed-cli-0.169-auth
// §7): fetched at session start unless a fresh cache for the same client version and account is on
// disk, written to `$CODEX_HOME/models_cache.json`, and fetched again in the background when a
// response announces another `x-models-etag`.

import { join } from 'node:path';
import { wallClockMs } from '@codex-ts/client';
import {
  MODELS_CACHE_FILE,
  type ModelInfo,
  parseModels,
  readModelsCache,
  rfc3339Nanos,
  writeModelsCache,
} from './models-cache.js';

/** Default age, in ms, up to which a cache file is reused at session start (upstream: 300 s). */
export const DEFAULT_MODELS_CACHE_TTL_MS = 300_000;

/** What the injected catalog fetch returns: the `models` array and the answer's `etag` header. */
export interface ModelsFetchResult {
  models: unknown[];
  etag?: string | undefined;
}

/** Options of a {@link ModelsCatalog}. */
export interface ModelsCatalogOptions {
  /** `$CODEX_HOME`; the cache is `$CODEX_HOME/models_cache.json`. */
  codexHome: string;
  /** Our version (`client_version` of the fetch and of the cache file), e.g. `0.169.0`. */
  clientVersion: string;
  /**
   * The cache identity of the current credentials (`modelsCacheIdentity(accountId)`), read at
   * every load and write so an account switch never reuses another account's catalog.
   */
  identity: () => string;
  /**
   * `GET {base}/models?client_version=…` (the api layer's models client). Rejects on failure;
   * the catalog then keeps what it had and reports the error to {@link onError}.
   */
  fetch: (signal?: AbortSignal) => Promise<ModelsFetchResult>;
  /** How long a cache file is reused at session start, ms; default {@link DEFAULT_MODELS_CACHE_TTL_MS}. 0 never reuses. */
  ttlMs?: number | undefined;
  /** Wall clock in ms with a sub-ms fraction; default: the system clock (`Date.now()` with a sub-ms fraction). */
  now?: (() => number) | undefined;
  /** Told about fetch, validation and write failures (never thrown); default: ignored. */
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * The session's models catalog. Nothing here throws or delays a turn: failures go to
 * `onError` and the catalog keeps its previous entries (the configured model is used anyway, as
 * 0.169.0 did with an empty catalog). Call {@link refreshAtStart} once at session start when the
 * provider uses the Codex backend (`ResolvedProvider.usesCodexBackend`; with an API key the
 * original does not fetch), and pass {@link observeEtag} as `ModelClientOptions.onModelsEtag`.
 */
export class ModelsCatalog {
  readonly #options: ModelsCatalogOptions;
  readonly #path: string;
  #models: ModelInfo[] = [];
  #etag: string | undefined;
  #inFlight: Promise<void> | undefined;
  #started: Promise<void> | undefined;
  /** Etags a refetch already ran for: each announced etag triggers at most one fetch. */
  readonly #refetchedFor = new Set<string>();

  constructor(options: ModelsCatalogOptions) {
    this.#options = options;
    this.#path = join(options.codexHome, MODELS_CACHE_FILE);
  }

  /** Path of the cache file. */
  get path(): string {
    return this.#path;
  }

  /** The current entries (empty until loaded or fetched). */
  get models(): readonly ModelInfo[] {
    return this.#models;
  }

  /** The etag of the current catalog, if its answer had one. */
  get etag(): string | undefined {
    return this.#etag;
  }

  /**
   * Session start: uses `models_cache.json` when it was written for this client version and
   * identity no longer than `ttlMs` ago (no request); otherwise fetches and rewrites it. Resolves
   * when done; never rejects.
   */
  refreshAtStart(signal?: AbortSignal): Promise<void> {
    this.#started = this.#loadOrFetch(signal);
    return this.#started;
  }

  /**
   * Resolves when the last {@link refreshAtStart} is done (at once when none ran); never rejects.
   * The session awaits it before choosing the model and shaping requests.
   */
  async whenStarted(): Promise<void> {
    await this.#started;
  }

  async #loadOrFetch(signal: AbortSignal | undefined): Promise<void> {
    const cached = await readModelsCache(this.#path);
    const ttl = this.#options.ttlMs ?? DEFAULT_MODELS_CACHE_TTL_MS;
    if (
      cached &&
      ttl > 0 &&
      cached.client_version === this.#options.clientVersion &&
      cached.identity === this.#options.identity()
    ) {
      const age = this.#now() - Date.parse(cached.fetched_at);
      if (age >= 0 && age <= ttl) {
        this.#models = cached.models;
        this.#etag = cached.etag;
        return;
      }
    }
    await this.refresh(signal);
  }

  /**
   * Fetches the catalog now and rewrites the cache (joins a fetch already running). Resolves
   * when done; never rejects.
   */
  refresh(signal?: AbortSignal): Promise<void> {
    this.#inFlight ??= this.#fetchAndStore(signal).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /**
   * A response announced `etag` (`x-models-etag`): when it differs from the current catalog's
   * etag, starts one background refetch for it (not awaited: the stream goes on). Repeats of an
   * etag already refetched for are ignored, so a server whose catalog answers another etag cannot
   * cause a fetch per response.
   */
  observeEtag(etag: string): void {
    if (etag === this.#etag || this.#refetchedFor.has(etag)) return;
    this.#refetchedFor.add(etag);
    void this.refresh();
  }

  /** Resolves when no fetch is running (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }

  async #fetchAndStore(signal: AbortSignal | undefined): Promise<void> {
    const onError = this.#options.onError ?? (() => {});
    let models: ModelInfo[];
    let etag: string | undefined;
    const identity = this.#options.identity();
    try {
      const result = await this.#options.fetch(signal);
      models = parseModels(result.models);
      etag = result.etag;
    } catch (error) {
      onError(error);
      return;
    }
    this.#models = models;
    this.#etag = etag;
    // The credentials changed while fetching: keep the answer in memory, do not file it under the other account.
    if (this.#options.identity() !== identity) return;
    try {
      await writeModelsCache(this.#path, {
        fetched_at: rfc3339Nanos(this.#now()),
        ...(etag !== undefined ? { etag } : {}),
        client_version: this.#options.clientVersion,
        identity,
        models,
      });
    } catch (error) {
      onError(error);
    }
  }

  #now(): number {
    return this.#options.now?.() ?? wallClockMs();
  }
}
