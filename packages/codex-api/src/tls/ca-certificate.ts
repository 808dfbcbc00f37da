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
  for (const match of text.matchAll(CERT_BLOCK)) {
    const base64 = (match[1] ?? '').replace(/\s+/g, '');
    const lines = base64.match(/.{1,64}/g) ?? [];
    blocks.push(['-----BEGIN CERTIFICATE-----', ...lines, '-----END CERTIFICATE-----'].join('\n'));
  }
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
