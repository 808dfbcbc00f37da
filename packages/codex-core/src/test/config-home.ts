// A temporary CODEX_HOME for the config tests, and loadConfig on it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, ConfigError, type LoadConfigOptions, loadConfig } from '@codex-ts/core';
import { afterAll, afterEach, expect } from 'vitest';

/** What {@link useConfigHome} gives a test file. */
export interface ConfigHome {
  /** The temporary CODEX_HOME (one per test file). */
  readonly home: string;
  /** `<home>/config.toml`, removed after each test. */
  readonly file: string;
  /** Writes `toml` to {@link file} (unless undefined), then `loadConfig` with `codexHome: home`, an empty env and `options`. */
  load(toml: string | Uint8Array | undefined, options?: Partial<LoadConfigOptions>): Promise<Config>;
  /** Like `load`, for a config that must fail: expects a ConfigError and returns it. */
  loadError(
    toml: string | Uint8Array | undefined,
    options?: Partial<LoadConfigOptions>,
  ): Promise<ConfigError>;
}

/**
 * Creates a temporary CODEX_HOME (call with top-level `await` in a test file) and registers the
 * file's hooks: `config.toml` is removed after each test, the folder after all of them.
 */
export async function useConfigHome(): Promise<ConfigHome> {
  const home = await mkdtemp(join(tmpdir(), 'codex-core-config-'));
  const file = join(home, 'config.toml');
  afterEach(() => rm(file, { recursive: true, force: true }));
  afterAll(() => rm(home, { recursive: true, force: true }));
  const load: ConfigHome['load'] = async (toml, options = {}) => {
    if (toml !== undefined) await writeFile(file, toml);
    return loadConfig({ codexHome: home, env: {}, ...options });
  };
  const loadError: ConfigHome['loadError'] = async (toml, options = {}) => {
    const error = await load(toml, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    return error as ConfigError;
  };
  return { home, file, load, loadError };
}

/** Options of {@link localProviderToml}. */
export interface LocalProviderTomlOptions {
  /** The top-level `model` (default `"gpt-5.5"`); `null` leaves the key out (the default model). */
  model?: string | null;
  /** Top-level lines written after `model_provider`, before the provider table. */
  topLines?: readonly string[];
  /** The provider's display `name` (default `local`). */
  name?: string;
}

/**
 * The `config.toml` text of the core tests' custom provider: `model = "gpt-5.5"` (see
 * `options.model`), provider `local` at `baseUrl` (requests go to `{baseUrl}/responses`) with
 * `env_key = "LOCAL_API_KEY"` and `wire_api = "responses"`, then `extraLines` (keys of the
 * provider table, e.g. `supports_websockets = true`, or tables after it), newline-terminated.
 */
export function localProviderToml(
  baseUrl: string,
  extraLines: readonly string[] = [],
  options: LocalProviderTomlOptions = {},
): string {
  const model = options.model === undefined ? 'gpt-5.5' : options.model;
  return [
    ...(model === null ? [] : [`model = "${model}"`]),
    'model_provider = "local"',
    ...(options.topLines ?? []),
    '[model_providers.local]',
    `name = "${options.name ?? 'local'}"`,
    `base_url = "${baseUrl}"`,
    'env_key = "LOCAL_API_KEY"',
    'wire_api = "responses"',
    ...extraLines,
    '',
  ].join('\n');
}
