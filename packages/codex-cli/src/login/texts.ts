// The texts of `codex login` / `logout` as 0.169.0 printed them (observed-cli-0.169-login-flows.md).
// They keep the original's command name (`codex login …`) so scripts that match them keep working.

/** The four lines printed when the browser flow's callback server is up (§1.1), on stderr. */
export function browserStartText(port: number, authorizeUrl: string): string {
  return [
    `Starting local login server on http://localhost:${port}.`,
    'If your browser did not open, navigate to this URL to authenticate:',
    '',
    authorizeUrl,
    '',
    'On a remote or headless machine? Use `codex login --device-auth` instead.',
    '',
  ].join('\n');
}

const ESC = '\u001b';
const dim = (s: string) => `${ESC}[90m${s}${ESC}[0m`;
const blue = (s: string) => `${ESC}[94m${s}${ESC}[0m`;

/** The device-code prompt (§2.2), on stdout, coloured even when stdout is not a terminal (as observed). */
export function devicePromptText(version: string, verificationUrl: string, userCode: string): string {
  return [
    '',
    `Welcome to Codex [v${dim(version)}]`,
    dim("OpenAI's command-line coding agent"),
    '',
    'Follow these steps to sign in with ChatGPT using device code authorization:',
    '',
    '1. Open this link in your browser and sign in to your account',
    `   ${blue(verificationUrl)}`,
    '',
    `2. Enter this one-time code ${dim('(expires in 15 minutes)')}`,
    `   ${blue(userCode)}`,
    '',
    dim(
      'Continue only if you started this login in Codex. If a website or another person gave you this code, cancel.',
    ),
    '',
    '',
  ].join('\n');
}

export const Texts = {
  chatgptDisabled: 'ChatGPT login is disabled. Use API key login instead.',
  apiKeyFlagRemoved:
    'The --api-key flag is no longer supported. Pipe the key instead, e.g. `printenv OPENAI_API_KEY | codex login --with-api-key`.',
  readingApiKey: 'Reading API key from stdin...',
  apiKeySaved: 'API key saved. Authentication is checked when you send a request.',
  loggedIn: 'Successfully logged in',
  loggedOut: 'Successfully logged out',
  notLoggedIn: 'Not logged in',
  chatgptStatus: 'Logged in using ChatGPT',
  checkedOnRequest: 'Authentication is checked when you send a request.',
} as const;
