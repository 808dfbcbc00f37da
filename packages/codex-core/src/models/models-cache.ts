// `$CODEX_HOME/models_cache.json`: the models catalog the ChatGPT Codex backend returned, as the
// original writes it (observed-cli-0.169-auth §7): `{fetched_at, etag?, client_version, identity,
// models}`, 2-space JSON without a trailing newline, replaced atomically (temp file + rename).

import { createHash, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { lazySchema } from '@codex-ts/protocol';
import { z } from 'zod';
import { mkdir, readFile, rename, rm, writeFile } from '../internal/fs-async.js';

/** File name of the cache inside `$CODEX_HOME`. */
export const MODELS_CACHE_FILE = 'models_cache.json';

/**
 * One catalog entry (upstream `ModelInfo`): `slug` is required, the fields below are typed when
 * present, and every other field is kept as received (written back unchanged).
 */
export interface ModelInfo {
  /** Model slug, e.g. `gpt-5.5`. */
  slug: string;
  /** Name shown to the user. */
  display_name?: string;
  /** One-line description (null in upstream's catalog when there is none). */
  description?: string | null;
  /** `list` (offered in pickers) or `hide`. */
  visibility?: string;
  /** Sort order (lower first). */
  priority?: number;
  /** Context window, tokens. */
  context_window?: number;
  /** Default `reasoning.effort`. */
  default_reasoning_level?: string;
  /** Whether the model accepts parallel tool calls. */
  supports_parallel_tool_calls?: boolean;
  /** Fields this version does not interpret. */
  [field: string]: unknown;
}

const ModelInfoSchema = lazySchema(() =>
  z.looseObject({
    slug: z.string(),
    display_name: z.string().optional(),
    description: z.string().nullable().optional(),
    visibility: z.string().optional(),
    priority: z.number().optional(),
    context_window: z.number().optional(),
    default_reasoning_level: z.string().optional(),
    supports_parallel_tool_calls: z.boolean().optional(),
  }),
);

/**
 * Validates a catalog's entries: each must be an object with a string `slug` and the typed fields
 * of {@link ModelInfo} of the right type (others kept as is).
 *
 * @throws Error naming the first bad entry (`models[i]`) when one is invalid.
 */
export function parseModels(models: readonly unknown[]): ModelInfo[] {
  return models.map((entry, index) => {
    const parsed = ModelInfoSchema.safeParse(entry);
    if (!parsed.success) throw new Error(`invalid models catalog entry models[${index}]`);
    return parsed.data as ModelInfo;
  });
}

/** The cache file's content (snake_case keys as on disk). */
export interface ModelsCacheFile {
  /** RFC 3339 UTC time of the fetch, with nanoseconds (`2026-12-03T11:00:21.055469348Z`). */
  fetched_at: string;
  /** The catalog answer's `etag` header, only when it had one (quotes kept). */
  etag?: string;
  /** Our client version, the `client_version` query parameter of the fetch. */
  client_version: string;
  /** Who the catalog belongs to: 64 lower-case hex digits ({@link modelsCacheIdentity}). */
  identity: string;
  /** The catalog entries. */
  models: ModelInfo[];
}

/**
 * The cache `identity` of a ChatGPT account: SHA-256 (hex) of its account id, so a catalog
 * fetched for one workspace is not reused for another and the file names no account. (Upstream
 * keeps an opaque SHA-256 scope digest there; its exact input is not documented, so a cache
 * written by the original is not reused by codex-ts — it is refetched and replaced.)
 */
export function modelsCacheIdentity(accountId: string): string {
  return createHash('sha256').update(accountId).digest('hex');
}

/**
 * `unixMs` (a wall-clock time in ms with a sub-ms fraction, e.g. from
 * the package's `wallClockMs()`) as RFC 3339 UTC with 9 fraction digits.
 */
export function rfc3339Nanos(unixMs: number): string {
  const wholeMs = Math.floor(unixMs);
  const base = new Date(wholeMs).toISOString().slice(0, 19);
  const nanos = Math.min(999_999_999, (wholeMs % 1000) * 1_000_000 + Math.round((unixMs - wholeMs) * 1e6));
  return `${base}.${String(nanos).padStart(9, '0')}Z`;
}

const CacheFileSchema = lazySchema(() =>
  z.looseObject({
    fetched_at: z.string(),
    etag: z.string().optional(),
    client_version: z.string().optional(),
    identity: z.string().optional(),
    models: z.array(z.unknown()),
  }),
);

/**
 * Reads `path`; undefined when it is missing, unreadable, not JSON or not a cache file (a bad
 * cache is a miss, never an error: it is refetched and replaced).
 */
export async function readModelsCache(path: string): Promise<ModelsCacheFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = CacheFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.client_version === undefined || parsed.data.identity === undefined)
      return undefined;
    const { fetched_at, etag, client_version, identity } = parsed.data;
    return {
      fetched_at,
      ...(etag !== undefined ? { etag } : {}),
      client_version,
      identity,
      models: parseModels(parsed.data.models),
    };
  } catch {
    return undefined;
  }
}

/**
 * Writes `cache` to `path` atomically: 2-space JSON, keys `fetched_at, etag?, client_version,
 * identity, models`, no trailing newline, into a temp file beside it, then renamed over it (a
 * reader sees the old or the new file, never a partial one). Creates the directory.
 *
 * @throws the file system error (the temp file is removed).
 */
export async function writeModelsCache(path: string, cache: ModelsCacheFile): Promise<void> {
  const ordered: Record<string, unknown> = { fetched_at: cache.fetched_at };
  if (cache.etag !== undefined) ordered.etag = cache.etag;
  ordered.client_version = cache.client_version;
  ordered.identity = cache.identity;
  ordered.models = cache.models;
  await mkdir(dirname(path), { recursive: true });
  const temp = join(
    dirname(path),
    `.${MODELS_CACHE_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temp, JSON.stringify(ordered, null, 2));
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
