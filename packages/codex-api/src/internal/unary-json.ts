/**
 * One unary JSON `POST` against a provider endpoint, shared by the compact and memories clients
 * (internal to `@codex-ts/api`): provider retry policy, 401 recovery, `ApiError` mapping, redaction.
 */
import type { HttpTransport, SecretRedactor } from '@codex-ts/client';
import type { AuthProvider } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { type Provider, urlForPath } from '../provider/provider.js';
import { sendAuthorized } from './authorized-send.js';
import { HeaderMerge } from './header-merge.js';

/** What {@link postJson} needs. */
export interface UnaryJsonCall {
  provider: Provider;
  auth: AuthProvider;
  transport: HttpTransport;
  redactor: SecretRedactor;
  /** Path below `provider.baseUrl`, e.g. `responses/compact`. */
  path: string;
  /** The JSON text sent (serialised once: every retry is byte-identical). */
  body: string;
  extraHeaders?: Record<string, string> | undefined;
  defaultHeaders?: Record<string, string> | undefined;
  /** Deadline of one attempt, ms (whole exchange). */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** The parsed 2xx answer. */
export interface UnaryJsonResult {
  json: unknown;
  headers: Readonly<Record<string, string>>;
}

function buildHeaders(call: UnaryJsonCall, auth: Record<string, string>): Record<string, string> {
  const merge = new HeaderMerge();
  merge.setAll(call.provider.headers);
  merge.setAll(call.extraHeaders);
  merge.setIfAbsent('content-type', 'application/json');
  merge.setAll(auth);
  merge.setAllIfAbsent(call.defaultHeaders);
  return merge.headers;
}

/**
 * Sends `call.body` with `POST {baseUrl}/{path}` and resolves with the parsed JSON answer. Rejects
 * with a redacted {@link ApiError}: transport failures and statuses as `apiErrorFromTransport`, a
 * 2xx body that is not JSON as `stream` "<what>: the answer is not JSON" (as the original's
 * `ApiError::Stream` for a decode failure).
 */
export async function postJson(call: UnaryJsonCall, what: string): Promise<UnaryJsonResult> {
  try {
    return await send(call, what);
  } catch (error) {
    throw call.redactor.redactError(error);
  }
}

async function send(call: UnaryJsonCall, what: string): Promise<UnaryJsonResult> {
  const url = urlForPath(call.provider, call.path);
  const signal = call.signal;
  const response = await sendAuthorized({
    auth: call.auth,
    redactor: call.redactor,
    retry: call.provider.retry,
    signal,
    send: (auth, attempt) =>
      call.transport.request({
        method: 'POST',
        url,
        headers: buildHeaders(call, auth),
        body: call.body,
        attempt,
        ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}),
        ...(signal ? { signal } : {}),
      }),
  });
  let json: unknown;
  try {
    json = JSON.parse(response.text());
  } catch {
    throw new ApiError('stream', `${what}: the answer is not JSON`, { status: response.status, url });
  }
  return { json, headers: response.headers };
}
