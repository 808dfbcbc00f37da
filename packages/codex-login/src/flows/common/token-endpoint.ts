import { type HttpStatusError, type HttpTransport, TransportError } from '@codex-ts/client';
import { errorObjectMessage, parseJsonObject, statusWithReason } from '../../internal/http-answer.js';
import type { OAuthEndpoints } from './issuer.js';

/** The tokens of a successful authorization-code exchange. */
export interface ExchangedTokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * Why an exchange failed, as the text 0.169.0 printed after `Token exchange error: `:
 * `token endpoint returned status 500 Internal Server Error: upstream failure` (detail: the JSON
 * `error.message`, else `error_description`, else the raw body text) or
 * `OAuth token response is invalid`. No token or code is ever part of it.
 */
export class TokenEndpointError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenEndpointError';
  }
}

const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: '*/*' } as const;

/**
 * `POST {issuer}/oauth/token` with the authorization_code grant, as observed (§1.3): headers
 * `content-type: application/x-www-form-urlencoded`, `accept: *\/*` only (no user agent, no
 * originator); body `grant_type`, `client_id`, `code`, `redirect_uri`, `code_verifier` in that
 * order, form-encoded. No response deadline (a retried POST could spend the one-time code); the
 * caller's `signal` ends it.
 *
 * @throws {TokenEndpointError} non-2xx answer, network failure, or a body without the three tokens.
 */
export async function exchangeAuthorizationCode(options: {
  transport: HttpTransport;
  endpoints: OAuthEndpoints;
  code: string;
  redirectUri: string;
  codeVerifier: string;
  signal?: AbortSignal | undefined;
}): Promise<ExchangedTokens> {
  const body = new URLSearchParams([
    ['grant_type', 'authorization_code'],
    ['client_id', options.endpoints.clientId],
    ['code', options.code],
    ['redirect_uri', options.redirectUri],
    ['code_verifier', options.codeVerifier],
  ]).toString();
  const json = await postForm(
    options.transport,
    `${options.endpoints.issuer}/oauth/token`,
    body,
    options.signal,
  );
  const pick = (key: string) =>
    typeof json[key] === 'string' && json[key] !== '' ? (json[key] as string) : undefined;
  const idToken = pick('id_token');
  const accessToken = pick('access_token');
  const refreshToken = pick('refresh_token');
  if (!idToken || !accessToken || !refreshToken)
    throw new TokenEndpointError('OAuth token response is invalid');
  return { idToken, accessToken, refreshToken };
}

/**
 * The API-key exchange after a browser sign-in (§1.4): `POST {issuer}/oauth/token` with
 * `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`, `client_id`,
 * `requested_token=openai-api-key`, `subject_token=<id_token>`,
 * `subject_token_type=urn:ietf:params:oauth:token-type:id_token`, same headers as the code exchange.
 *
 * @returns the answer's `access_token` (the API key), or `undefined` on any failure (the original
 *   signs in anyway, with `OPENAI_API_KEY: null`, and prints nothing).
 */
export async function exchangeIdTokenForApiKey(options: {
  transport: HttpTransport;
  endpoints: OAuthEndpoints;
  idToken: string;
  signal?: AbortSignal | undefined;
}): Promise<string | undefined> {
  const body = new URLSearchParams([
    ['grant_type', 'urn:ietf:params:oauth:grant-type:token-exchange'],
    ['client_id', options.endpoints.clientId],
    ['requested_token', 'openai-api-key'],
    ['subject_token', options.idToken],
    ['subject_token_type', 'urn:ietf:params:oauth:token-type:id_token'],
  ]).toString();
  try {
    const json = await postForm(
      options.transport,
      `${options.endpoints.issuer}/oauth/token`,
      body,
      options.signal,
    );
    const key = json.access_token;
    return typeof key === 'string' && key !== '' ? key : undefined;
  } catch {
    return undefined;
  }
}

async function postForm(
  transport: HttpTransport,
  url: string,
  body: string,
  signal: AbortSignal | undefined,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    const response = await transport.request({
      method: 'POST',
      url,
      headers: FORM_HEADERS,
      body,
      ...(signal ? { signal } : {}),
    });
    text = response.text();
  } catch (error) {
    if (TransportError.isInstance(error) && error.code === 'http') {
      const status = error as HttpStatusError;
      throw new TokenEndpointError(statusMessage(status.status, status.body ?? ''));
    }
    if (signal?.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new TokenEndpointError(`error sending request for url (${url}): ${reason}`, { cause: error });
  }
  const parsed = parseJsonObject(text);
  if (!parsed) throw new TokenEndpointError('OAuth token response is invalid');
  return parsed;
}

/** `token endpoint returned status 500 Internal Server Error: <detail>` for an error answer. */
export function statusMessage(status: number, body: string): string {
  const detail = errorDetail(body);
  return `token endpoint returned status ${statusWithReason(status)}${detail ? `: ${detail}` : ''}`;
}

function errorDetail(body: string): string | undefined {
  const json = parseJsonObject(body);
  if (json) {
    const error = json.error;
    const message = errorObjectMessage(json);
    if (message !== undefined && message !== '') return message;
    if (typeof json.error_description === 'string' && json.error_description !== '')
      return json.error_description;
    if (typeof error === 'string' && error !== '') return error;
  }
  const trimmed = body.trim();
  return trimmed === '' ? undefined : trimmed;
}
