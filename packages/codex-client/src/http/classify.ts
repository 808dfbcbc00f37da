/**
 * Map low-level (Node, undici) failures to {@link TransportError} subclasses.
 */
import {
  BuildError,
  ConnectionError,
  NetworkError,
  TimeoutError,
  TransportError,
} from '../errors/transport-error.js';

/** The message of a `NetworkError` for a failure while reading a response body (contract text). */
export const BODY_READ_MESSAGE = 'error decoding response body';

/** Error codes that mean the connection could not be established. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NODATA',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** Error codes that mean the request itself was unusable. */
const BUILD_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'ERR_INVALID_URL',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The `code` of an error, looking into the first error of an AggregateError (happy eyeballs). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0) return errorCode(inner[0]);
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? errorCode(cause) : undefined;
}

function describe(error: unknown, code: string | undefined, fallback: string): string {
  const message = error instanceof Error ? error.message : '';
  if (message) return message;
  return code ?? fallback;
}

/**
 * Classify a failure that happened before a response arrived: could not connect →
 * `ConnectionError` (refused, DNS, connect timeout, TLS certificate); unusable request →
 * `BuildError`; an HTTP-library timeout → `TimeoutError`; anything else → `NetworkError` with the
 * library's message.
 */
export function classifySendError(error: unknown): TransportError {
  if (TransportError.isInstance(error)) return error;
  const code = errorCode(error);
  if (code !== undefined) {
    if (CONNECT_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
      return new ConnectionError(describe(error, code, 'connection failed'), { cause: error });
    }
    if (BUILD_CODES.has(code)) {
      return new BuildError(`invalid request: ${describe(error, code, 'invalid request')}`, { cause: error });
    }
    if (TIMEOUT_CODES.has(code)) {
      return new TimeoutError(describe(error, code, 'timed out'), { cause: error });
    }
  }
  return new NetworkError(describe(error, code, 'network error'), { cause: error });
}

/** Classify a failure while reading a response body: always `NetworkError("error decoding response body")`. */
export function classifyBodyError(error: unknown): TransportError {
  if (TransportError.isInstance(error)) return error;
  return new NetworkError(BODY_READ_MESSAGE, { cause: error });
}
