import { builtInModelProviders, LMSTUDIO_PROVIDER_ID, OLLAMA_PROVIDER_ID } from '../config/providers.js';

/** The model `codex exec --oss` picks per local provider when `-m` is not given (codex-rs `utils/oss`). */
export const OSS_DEFAULT_MODELS: Readonly<Record<string, string>> = {
  [OLLAMA_PROVIDER_ID]: 'gpt-oss:20b',
  [LMSTUDIO_PROVIDER_ID]: 'openai/gpt-oss-20b',
};

/** Oldest Ollama 0.169.0 accepts. */
const MIN_OLLAMA = [0, 13, 4] as const;

const OLLAMA_NOT_RUNNING =
  'No running Ollama server detected. Start it with: `ollama serve` (after installing). Install instructions: https://github.com/ollama/ollama?tab=readme-ov-file#ollama';
const LMSTUDIO_NOT_RUNNING =
  "LM Studio is not responding. Install from https://lmstudio.ai/download and run 'lms server start'.";

/** Options of {@link ensureOssProviderReady}. */
export interface OssReadyOptions {
  /** For `CODEX_OSS_BASE_URL` / `CODEX_OSS_PORT` (the built-in providers' base URL). */
  env: NodeJS.ProcessEnv;
  /** Our version (the built-in provider table needs it). */
  version: string;
  /** Per-request timeout in ms; default 5000. */
  timeoutMs?: number | undefined;
  /** The model that will be used (LM Studio is asked to load it). */
  model: string;
}

/**
 * What `codex exec --oss` checks before the session starts (codex-rs `ensure_oss_provider_ready`),
 * against the built-in provider's base URL (`CODEX_OSS_BASE_URL`, else
 * `http://localhost:<CODEX_OSS_PORT | 11434 / 1234>/v1`):
 * - `ollama`: `GET {base}/models` must answer 2xx, then `GET {root}/api/version` must be
 *   0.13.4 or newer, then `GET {root}/api/tags` (codex-ts does not pull a missing model);
 * - `lmstudio`: `GET {base}/models` must answer 2xx, then the model is loaded with
 *   `POST {base}/responses {"model","input":"","max_output_tokens":1}` (its answer ignored).
 *
 * @throws Error with 0.169.0's text after "OSS setup failed: ", e.g. "No running Ollama server
 *   detected. …", "Ollama 0.12.0 is too old. Codex requires Ollama 0.13.4 or newer.",
 *   "OSS setup failed: LM Studio is not responding. …" (LM Studio's text repeats the prefix,
 *   as the original's does).
 */
export async function ensureOssProviderReady(providerId: string, options: OssReadyOptions): Promise<void> {
  const info = builtInModelProviders({ version: options.version, env: options.env })[providerId];
  const base = (info?.baseUrl ?? '').replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  // A body is read only when needed and otherwise cancelled: one left unread would hold its
  // socket, and so the process, until the timeout fires or the server drops the connection.
  const get = async (url: string, read = false) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = read ? await response.text() : '';
    if (!read) await response.body?.cancel();
    return { ok: response.ok, status: response.status, statusText: response.statusText, text };
  };
  if (providerId === OLLAMA_PROVIDER_ID) {
    const root = base.replace(/\/v1$/, '');
    const probe = await get(`${base}/models`).catch(() => undefined);
    if (!probe?.ok) throw new Error(`OSS setup failed: ${OLLAMA_NOT_RUNNING}`);
    const version = await get(`${root}/api/version`, true)
      .then((r) => JSON.parse(r.text) as { version?: unknown })
      .then((body) => (typeof body.version === 'string' ? body.version : undefined))
      .catch(() => undefined);
    if (version !== undefined && isOlder(version, MIN_OLLAMA)) {
      throw new Error(
        `OSS setup failed: Ollama ${version} is too old. Codex requires Ollama 0.13.4 or newer.`,
      );
    }
    await get(`${root}/api/tags`).catch(() => undefined);
    return;
  }
  if (providerId === LMSTUDIO_PROVIDER_ID) {
    let response: Awaited<ReturnType<typeof get>>;
    try {
      response = await get(`${base}/models`);
    } catch {
      throw new Error(`OSS setup failed: OSS setup failed: ${LMSTUDIO_NOT_RUNNING}`);
    }
    if (!response.ok) {
      throw new Error(
        `OSS setup failed: OSS setup failed: Server returned error: ${response.status} ${response.statusText} ${LMSTUDIO_NOT_RUNNING}`,
      );
    }
    await fetch(`${base}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: options.model, input: '', max_output_tokens: 1 }),
      signal: AbortSignal.timeout(timeoutMs),
    })
      .then((r) => r.body?.cancel())
      .catch(() => undefined);
  }
}

function isOlder(version: string, min: readonly number[]): boolean {
  const parts = version.split(/[.+-]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < min.length; i++) {
    const v = Number.isFinite(parts[i]) ? (parts[i] as number) : 0;
    if (v !== min[i]) return v < (min[i] as number);
  }
  return false;
}
