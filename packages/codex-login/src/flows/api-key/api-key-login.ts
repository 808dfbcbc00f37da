import { writeAuthFile } from '../../auth-file/auth-file.js';
import type { ForcedLoginMethod } from '../../manager/load-auth.js';
import { LoginFlowError } from '../common/flow-error.js';

/**
 * `codex login --with-api-key` without the CLI (observed-cli-0.169-login-flows.md §3): trims
 * `apiKey` and writes `{"auth_mode": "apikey", "OPENAI_API_KEY": "<key>"}` (2-space, no trailing
 * newline, 0600, atomic, replacing any previous login). No network request.
 *
 * @returns the path written.
 * @throws {LoginFlowError} `login_disabled` (`API key login is disabled. Use ChatGPT login instead.`)
 *   when `forcedLoginMethod` is `chatgpt`; `no_api_key` (`No API key provided via stdin.`) for an
 *   empty or blank key; `persist_failed` when the file cannot be written. Nothing is written then.
 */
export async function loginWithApiKey(options: {
  codexHome: string;
  apiKey: string;
  forcedLoginMethod?: ForcedLoginMethod | undefined;
}): Promise<string> {
  if (options.forcedLoginMethod === 'chatgpt') {
    throw new LoginFlowError('login_disabled', 'API key login is disabled. Use ChatGPT login instead.');
  }
  const key = options.apiKey.trim();
  if (key === '') throw new LoginFlowError('no_api_key', 'No API key provided via stdin.');
  try {
    return await writeAuthFile(
      options.codexHome,
      { auth_mode: 'apikey', OPENAI_API_KEY: key },
      { overwriteInvalid: true },
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new LoginFlowError('persist_failed', `Failed to save API key: ${message}`, { cause: error });
  }
}
