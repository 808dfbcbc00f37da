import type { ForcedLoginMethod } from '../../manager/load-auth.js';
import { LoginFlowError } from '../common/flow-error.js';
import { writeUnderAuthLock } from '../common/persist.js';

/**
 * `codex login --with-api-key` without the CLI (observed-cli-0.169-login-flows.md §3): trims
 * `apiKey` and writes `{"auth_mode": "apikey", "OPENAI_API_KEY": "<key>"}` (2-space, no trailing
 * newline, 0600, atomic, replacing any previous login; under the `auth.json` lock of the
 * AuthManager). No network request.
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
  return writeUnderAuthLock(
    options.codexHome,
    { auth_mode: 'apikey', OPENAI_API_KEY: key },
    'Failed to save API key',
  );
}
