/**
 * Attribute builders of the session's log and span events (telemetry.md §2–§3, value types as
 * 0.169.0 exported them). Internal to the package.
 */

import type { SessionMeta } from './meta.js';
import type { AuthAttemptInfo, AuthEnvInfo } from './types.js';
import type { AttrMap } from './values.js';

/**
 * The common attributes of the session's events (telemetry.md §2): `trace` for span events
 * (`conversation.id`, `app.version`, `originator`, `terminal.type`, `model`, `slug`, and `auth_mode`
 * when known), `log` for log events (the same plus `user.account_id` / `user.email` when known).
 * Both frozen.
 */
export function commonAttributes(meta: SessionMeta): { log: Readonly<AttrMap>; trace: Readonly<AttrMap> } {
  const trace: AttrMap = {
    'conversation.id': meta.conversationId,
    'app.version': meta.appVersion,
    originator: meta.originator,
    'terminal.type': meta.terminalType,
    model: meta.model,
    slug: meta.slug,
  };
  if (meta.authMode !== undefined) trace.auth_mode = meta.authMode;
  const log: AttrMap = { ...trace };
  if (meta.accountId !== undefined) log['user.account_id'] = meta.accountId;
  if (meta.accountEmail !== undefined) log['user.email'] = meta.accountEmail;
  return { log: Object.freeze(log), trace: Object.freeze(trace) };
}

/** The `auth.env_*` attributes of `env` (frozen; `{}` without one). */
export function authEnvAttributes(env: AuthEnvInfo | undefined): Readonly<AttrMap> {
  const attrs: AttrMap = {};
  if (env !== undefined) {
    attrs['auth.env_openai_api_key_present'] = env.openaiApiKeyPresent;
    attrs['auth.env_codex_api_key_present'] = env.codexApiKeyPresent;
    attrs['auth.env_codex_api_key_enabled'] = env.codexApiKeyEnabled;
    if (env.providerKeyName !== undefined) attrs['auth.env_provider_key_name'] = env.providerKeyName;
    if (env.providerKeyPresent !== undefined) attrs['auth.env_provider_key_present'] = env.providerKeyPresent;
    attrs['auth.env_refresh_token_url_override_present'] = env.refreshTokenUrlOverridePresent;
  }
  return Object.freeze(attrs);
}

/** Adds the `auth.*` attributes of one attempt: flags, the header NAME, ids; never a credential. */
export function putAuth(attrs: AttrMap, auth: AuthAttemptInfo | undefined): void {
  if (auth === undefined) return;
  if (auth.headerAttached !== undefined) attrs['auth.header_attached'] = auth.headerAttached;
  if (auth.headerName !== undefined) attrs['auth.header_name'] = auth.headerName;
  if (auth.retryAfterUnauthorized !== undefined)
    attrs['auth.retry_after_unauthorized'] = auth.retryAfterUnauthorized;
  if (auth.recoveryMode !== undefined) attrs['auth.recovery_mode'] = auth.recoveryMode;
  if (auth.recoveryPhase !== undefined) attrs['auth.recovery_phase'] = auth.recoveryPhase;
  if (auth.requestId !== undefined) attrs['auth.request_id'] = auth.requestId;
  if (auth.cfRay !== undefined) attrs['auth.cf_ray'] = auth.cfRay;
  if (auth.error !== undefined) attrs['auth.error'] = auth.error;
  if (auth.errorCode !== undefined) attrs['auth.error_code'] = auth.errorCode;
}

/**
 * The span-event form of `attrs`: `http.response.status_code` and `attempt` as strings, as
 * 0.169.0's tracing bridge exported unsigned integers on spans.
 */
export function unsignedAsText(attrs: AttrMap): AttrMap {
  const out: AttrMap = { ...attrs };
  const status = attrs['http.response.status_code'];
  if (status !== undefined) out['http.response.status_code'] = String(status);
  const attempt = attrs.attempt;
  if (attempt !== undefined) out.attempt = String(attempt);
  return out;
}
