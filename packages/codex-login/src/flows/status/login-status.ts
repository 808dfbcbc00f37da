import { readAuthFile } from '../../auth-file/auth-file.js';
import { authFromFile, type LoginRestrictions, loginRestrictionViolation } from '../../manager/load-auth.js';

/** What {@link loginStatus} found. `maskedKey` never holds the whole key. */
export type LoginStatus =
  | { readonly kind: 'none' }
  | { readonly kind: 'apikey'; readonly maskedKey: string }
  | { readonly kind: 'chatgpt'; readonly accountId: string | undefined };

/**
 * The key as `codex login status` shows it (§4): the first 8 characters, `***`, the last 5; just
 * `***` for a key of 13 characters or fewer.
 */
export function maskApiKey(key: string): string {
  return key.length <= 13 ? '***' : `${key.slice(0, 8)}***${key.slice(-5)}`;
}

/**
 * The stored login of `$CODEX_HOME/auth.json` as `codex login status` reports it (§4): `none` when
 * there is no file, or its login violates `restrictions` (the file is left alone), or it selects a
 * login kind codex-ts cannot use; environment keys (`OPENAI_API_KEY`, `CODEX_API_KEY`) are not
 * considered. No network request.
 *
 * @throws {AuthFileError} for an unreadable or corrupt `auth.json`.
 */
export async function loginStatus(
  codexHome: string,
  restrictions: LoginRestrictions = {},
): Promise<LoginStatus> {
  const file = await readAuthFile(codexHome);
  if (file === undefined) return { kind: 'none' };
  let auth: ReturnType<typeof authFromFile>;
  try {
    auth = authFromFile(codexHome, file, undefined);
  } catch {
    return { kind: 'none' };
  }
  if (loginRestrictionViolation(auth, restrictions) !== undefined) return { kind: 'none' };
  if (auth.mode === 'apikey') return { kind: 'apikey', maskedKey: maskApiKey(file.OPENAI_API_KEY ?? '') };
  return { kind: 'chatgpt', accountId: auth.chatgptAccountId };
}
