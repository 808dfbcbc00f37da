/**
 * The extra CA bundle of `CODEX_CA_CERTIFICATE` (falling back to `SSL_CERT_FILE`), as the original's
 * `codex-rs/codex-client/src/custom_ca.rs` selects and checks it: read once at client construction,
 * a bad file is an error before any network traffic (the original refuses to build its HTTP client).
 */
import { readFileSync } from 'node:fs';

/** The Codex-specific variable naming a PEM file of extra trusted CAs (observed-cli-auth §1). */
export const CODEX_CA_CERTIFICATE_ENV = 'CODEX_CA_CERTIFICATE';
/** The generic fallback variable, used when `CODEX_CA_CERTIFICATE` is unset or empty. */
export const SSL_CERT_FILE_ENV = 'SSL_CERT_FILE';

const HINT =
  'If you set CODEX_CA_CERTIFICATE or SSL_CERT_FILE, ensure it points to a PEM file containing one or more CERTIFICATE blocks, or unset it to use system roots.';

/** Stable codes of {@link CaCertificateError}. */
export type CaCertificateErrorCode = 'ca_certificate_unreadable' | 'ca_certificate_invalid';

/**
 * The configured CA file could not be used. `code`: `ca_certificate_unreadable` (missing, a
 * directory, no permission; `cause` is the fs error) or `ca_certificate_invalid` (empty, or no
 * `-----BEGIN CERTIFICATE-----` … `-----END CERTIFICATE-----` block). `path` and `sourceEnv` name the
 * file and the variable that selected it; the message names both and says how to fix it. Never
 * retryable.
 */
export class CaCertificateError extends Error {
  override readonly name = 'CaCertificateError';
  constructor(
    readonly code: CaCertificateErrorCode,
    readonly path: string,
    readonly sourceEnv: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A CA bundle selected from the environment: its PEM certificate blocks and where it came from. */
export interface CaCertificateBundle {
  /** The `CERTIFICATE` blocks of the file, joined with `\n` (other PEM sections such as CRLs dropped). */
  readonly pem: string;
  /** How many certificate blocks `pem` holds (≥ 1). */
  readonly count: number;
  /** The file read. */
  readonly path: string;
  /** `CODEX_CA_CERTIFICATE` or `SSL_CERT_FILE`. */
  readonly sourceEnv: string;
}

const CERT_BLOCK =
  /-----BEGIN (?:TRUSTED )?CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n\t ]+?)-----END (?:TRUSTED )?CERTIFICATE-----/g;

const NOT_NEWLINE_SPACE = /[\r\t ]/;

/**
 * Whether a block body (`CERT_BLOCK`'s capture: base64 characters and whitespace) is already in
 * the form {@link normalizedBlock} writes: lines of exactly 64 characters, the last one of 1–64,
 * each ending in `\n`, no other whitespace. System bundles are written this way.
 */
function isCanonicalBody(body: string): boolean {
  if (NOT_NEWLINE_SPACE.test(body)) return false;
  for (let start = 0; ; ) {
    const end = body.indexOf('\n', start);
    if (end === -1) return false;
    if (end === body.length - 1) return end - start >= 1 && end - start <= 64;
    if (end - start !== 64) return false;
    start = end + 1;
  }
}

/**
 * One `CERTIFICATE` block: the body's base64 without whitespace, in lines of 64 characters. A
 * body already in that form is used as it is (the same text, without re-splitting ~200 KB of a
 * system bundle at start-up: ~2 ms for 144 certificates).
 */
function normalizedBlock(body: string): string {
  if (isCanonicalBody(body)) return `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----`;
  const lines = body.replace(/\s+/g, '').match(/.{1,64}/g) ?? [];
  return ['-----BEGIN CERTIFICATE-----', ...lines, '-----END CERTIFICATE-----'].join('\n');
}

/**
 * Reads the extra CA bundle named by `env.CODEX_CA_CERTIFICATE`, else `env.SSL_CERT_FILE` (an empty
 * value counts as unset, as upstream). Returns `undefined` when neither is set (use the system
 * roots only). OpenSSL `TRUSTED CERTIFICATE` blocks are accepted as plain certificates. Throws
 * {@link CaCertificateError} for a missing/unreadable file or one without a certificate block
 * (upstream: "Failed to read CA certificate file …" / "Failed to load CA certificates from …",
 * and the client is not built). Synchronous: call it once when building clients; give the `pem` to
 * `HttpTransport({ ca })` and `ResponsesWebsocketClient({ ca })`.
 */
export function readCaCertificateFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): CaCertificateBundle | undefined {
  const selected = [CODEX_CA_CERTIFICATE_ENV, SSL_CERT_FILE_ENV].find((name) => (env[name] ?? '') !== '');
  if (selected === undefined) return undefined;
  const path = env[selected] as string;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CaCertificateError(
      'ca_certificate_unreadable',
      path,
      selected,
      `Failed to read CA certificate file ${path} selected by ${selected}: ${reason}. ${HINT}`,
      { cause: error },
    );
  }
  const blocks: string[] = [];
  for (const match of text.matchAll(CERT_BLOCK)) blocks.push(normalizedBlock(match[1] ?? ''));
  if (blocks.length === 0) {
    const detail = text.trim() === '' ? 'the file is empty' : 'no certificates found in PEM file';
    throw new CaCertificateError(
      'ca_certificate_invalid',
      path,
      selected,
      `Failed to load CA certificates from ${path} selected by ${selected}: ${detail}. ${HINT}`,
    );
  }
  return { pem: `${blocks.join('\n')}\n`, count: blocks.length, path, sourceEnv: selected };
}
