import { constants } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { lazySchema } from '@codex-ts/protocol';
import { z } from 'zod';
import { access } from '../internal/fs-async.js';
import { once } from '../internal/once.js';
import { ConfigError, formatKeyPath } from './config-error.js';

const EXPECT_STRING = 'expected a string';
const EXPECT_BOOL = 'expected a boolean (true or false)';
const EXPECT_TABLE = 'expected a table';

/** The exporter names `[otel].exporter` / `trace_exporter` / `metrics_exporter` accept, as 0.169.0. */
export const OTEL_EXPORTER_NAMES = ['none', 'statsig', 'otlp-http', 'otlp-grpc'] as const;
/** `[otel].environment` when unset (codex-rs `DEFAULT_OTEL_ENVIRONMENT`). */
export const DEFAULT_OTEL_ENVIRONMENT = 'dev';

const EXPECT_EXPORTER = `expected one of ${OTEL_EXPORTER_NAMES.map((n) => `"${n}"`).join(', ')} (\`otlp-http\` and \`otlp-grpc\` as a table: { otlp-http = { endpoint = "…", protocol = "json" } })`;
const EXPECT_ENDPOINT = 'expected an http:// or https:// URL';

// Built when `[otel]` is present (the exporter tables: when it names an exporter), not at start-up.
const str = once(() => z.string({ error: EXPECT_STRING }));
const endpoint = lazySchema(() =>
  z.string({ error: EXPECT_ENDPOINT }).refine((value) => isHttpUrl(value), { error: EXPECT_ENDPOINT }),
);
const headers = lazySchema(() => z.record(z.string(), str(), { error: 'expected a table of strings' }));
const tls = lazySchema(() =>
  z.strictObject(
    {
      'ca-certificate': str().optional(),
      'client-certificate': str().optional(),
      'client-private-key': str().optional(),
    },
    { error: EXPECT_TABLE },
  ),
);
const otlpHttp = lazySchema(() =>
  z.strictObject(
    {
      endpoint,
      headers: headers.optional(),
      protocol: z.enum(['binary', 'json'], { error: 'expected "binary" or "json"' }),
      tls: tls.optional(),
    },
    { error: EXPECT_TABLE },
  ),
);
const otlpGrpc = lazySchema(() =>
  z.strictObject({ endpoint, headers: headers.optional(), tls: tls.optional() }, { error: EXPECT_TABLE }),
);

type ExporterToml =
  | 'none'
  | 'statsig'
  | { 'otlp-http': z.infer<typeof otlpHttp> }
  | { 'otlp-grpc': z.infer<typeof otlpGrpc> };

/**
 * One exporter setting: `"none"`, `"statsig"`, `{ otlp-http = { endpoint, headers, protocol, tls } }`
 * or `{ otlp-grpc = { endpoint, headers, tls } }` (codex-rs `OtelExporterKind`). A problem inside
 * the table is reported at its own key path (e.g. `otel.exporter.otlp-http.protocol`).
 */
const exporter = once(() => z.unknown().transform(exporterSetting));

function exporterSetting(input: unknown, ctx: z.RefinementCtx): ExporterToml {
  if (input === 'none' || input === 'statsig') return input;
  const variant =
    typeof input === 'object' && input !== null && !Array.isArray(input) ? Object.keys(input) : [];
  const name = variant[0];
  if (variant.length !== 1 || (name !== 'otlp-http' && name !== 'otlp-grpc')) {
    ctx.addIssue({ code: 'custom', message: EXPECT_EXPORTER });
    return z.NEVER;
  }
  const parsed = (name === 'otlp-http' ? otlpHttp : otlpGrpc).safeParse(
    (input as Record<string, unknown>)[name],
  );
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = [name, ...issue.path];
      if (issue.code === 'unrecognized_keys') path.push(issue.keys[0] ?? '');
      const message = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
      ctx.addIssue({ code: 'custom', path: path as (string | number)[], message });
    }
    return z.NEVER;
  }
  return { [name]: parsed.data } as ExporterToml;
}

/**
 * `[otel]` of config.toml (codex-rs `OtelConfigToml`): `log_user_prompt`, `environment`,
 * `exporter` (logs), `trace_exporter`, `metrics_exporter` (each see the exporter forms above), and
 * the newer `span_attributes` / `tracestate` tables (accepted, not used by codex-ts). Unknown keys
 * in `[otel]` itself are unrecognized settings (a warning, or an error with `--strict-config`).
 */
export const OtelTomlSchema = lazySchema(() => otelTomlSchema());

/** The schema behind {@link OtelTomlSchema} (itself, not a stand-in), built on the first call. */
export const otelTomlSchema = once(() =>
  z.strictObject(
    {
      log_user_prompt: z.boolean({ error: EXPECT_BOOL }).optional(),
      environment: str().optional(),
      exporter: exporter().optional(),
      trace_exporter: exporter().optional(),
      metrics_exporter: exporter().optional(),
      span_attributes: z.record(z.string(), z.unknown(), { error: EXPECT_TABLE }).optional(),
      tracestate: z.record(z.string(), z.unknown(), { error: EXPECT_TABLE }).optional(),
    },
    { error: EXPECT_TABLE },
  ),
);

/** `[otel]` as written; see {@link OtelTomlSchema}. */
export type OtelToml = z.infer<typeof OtelTomlSchema>;

/**
 * Client TLS of an OTLP exporter (`tls = { ca-certificate, client-certificate, client-private-key }`):
 * absolute paths of PEM files (a relative path in config.toml is relative to `$CODEX_HOME`). Each
 * file was readable when the config loaded.
 */
export interface OtelTlsSetting {
  /** PEM CA bundle that verifies the collector (replaces the default roots for this exporter). */
  caCertificate?: string;
  /** PEM client certificate (mutual TLS; with `clientPrivateKey`). */
  clientCertificate?: string;
  /** PEM private key of `clientCertificate`. */
  clientPrivateKey?: string;
}

/**
 * Where one signal is exported. `none` exports nothing (also what `"statsig"` becomes in codex-ts:
 * the original's built-in internal endpoint is not copied). `otlp-http` posts OTLP to `endpoint`
 * as-is (the full URL, e.g. `http://collector:4318/v1/logs`), `protocol` `json`
 * (`application/json`) or `binary` (`application/x-protobuf`); `otlp-grpc` calls the OTLP gRPC
 * service at `endpoint` (e.g. `http://collector:4317`). `headers` are sent with every export
 * request (they may hold credentials: never log them).
 */
export type OtelExporterSetting =
  | { kind: 'none' }
  | {
      kind: 'otlp-http';
      endpoint: string;
      headers: Readonly<Record<string, string>>;
      protocol: 'binary' | 'json';
      tls?: OtelTlsSetting;
    }
  | { kind: 'otlp-grpc'; endpoint: string; headers: Readonly<Record<string, string>>; tls?: OtelTlsSetting };

/**
 * The effective `[otel]` settings (codex-rs `OtelConfig`): defaults applied, `statsig` mapped to
 * `none`, TLS paths absolute and checked readable. Metrics default to `none` (the original
 * defaults them to its internal Statsig endpoint; codex-ts does not).
 */
export interface OtelConfig {
  /** `log_user_prompt` (default false): otherwise prompts are exported as `[REDACTED]`. */
  logUserPrompt: boolean;
  /** `environment` (default `"dev"`): the `env` resource attribute. */
  environment: string;
  /** `exporter`: log records (default none). */
  exporter: OtelExporterSetting;
  /** `trace_exporter`: spans (default none). */
  traceExporter: OtelExporterSetting;
  /** `metrics_exporter`: metrics (default none). */
  metricsExporter: OtelExporterSetting;
}

/** Where a key came from, as `loadConfig` names it in errors. */
export type DescribeKeySource = (path: readonly string[]) => {
  text: string;
  details: { file?: string; override?: string };
};

const TLS_KEYS = [
  ['ca-certificate', 'caCertificate'],
  ['client-certificate', 'clientCertificate'],
  ['client-private-key', 'clientPrivateKey'],
] as const;

/**
 * The effective {@link OtelConfig} of a validated `[otel]` table. TLS paths are resolved against
 * `codexHome` and must be readable files.
 *
 * @throws {ConfigError} code `unreadable` naming the key (e.g.
 *   `otel.trace_exporter.otlp-grpc.tls.ca-certificate`) and the resolved path when a TLS file
 *   cannot be read. (0.169.0 prints "Could not create otel exporter: …" and runs without that
 *   exporter; codex-ts stops before the turn, naming the key.)
 */
export async function resolveOtelConfig(
  toml: OtelToml | undefined,
  codexHome: string,
  describe: DescribeKeySource,
): Promise<OtelConfig> {
  const resolveExporter = async (key: string, value: ExporterToml | undefined) => {
    if (value === undefined || value === 'none' || value === 'statsig') return { kind: 'none' as const };
    const [kind, table] =
      'otlp-http' in value ? ['otlp-http', value['otlp-http']] : ['otlp-grpc', value['otlp-grpc']];
    const base = ['otel', key, kind];
    const tlsSetting = table.tls === undefined ? undefined : await resolveTls(table.tls, [...base, 'tls']);
    const common = {
      endpoint: table.endpoint,
      headers: { ...(table.headers ?? {}) },
      ...(tlsSetting === undefined ? {} : { tls: tlsSetting }),
    };
    if (kind === 'otlp-http') {
      const protocol = (table as z.infer<typeof otlpHttp>).protocol;
      return { kind: 'otlp-http' as const, ...common, protocol };
    }
    return { kind: 'otlp-grpc' as const, ...common };
  };
  const resolveTls = async (value: z.infer<typeof tls>, path: readonly string[]): Promise<OtelTlsSetting> => {
    const out: OtelTlsSetting = {};
    for (const [tomlKey, field] of TLS_KEYS) {
      const file = value[tomlKey];
      if (file === undefined) continue;
      const absolute = isAbsolute(file) ? file : join(codexHome, file);
      try {
        await access(absolute, constants.R_OK);
      } catch (cause) {
        const keyPath = formatKeyPath([...path, tomlKey]);
        const where = describe([...path, tomlKey]);
        throw new ConfigError(
          'unreadable',
          `cannot read \`${keyPath}\` file ${absolute} (set in ${where.text})`,
          {
            ...where.details,
            keyPath,
            cause,
          },
        );
      }
      out[field] = absolute;
    }
    return out;
  };
  return {
    logUserPrompt: toml?.log_user_prompt === true,
    environment: toml?.environment ?? DEFAULT_OTEL_ENVIRONMENT,
    exporter: await resolveExporter('exporter', toml?.exporter),
    traceExporter: await resolveExporter('trace_exporter', toml?.trace_exporter),
    metricsExporter: await resolveExporter('metrics_exporter', toml?.metrics_exporter),
  };
}

/** True when any of the three signals of `config` has an exporter. */
export function otelExportEnabled(config: OtelConfig): boolean {
  return [config.exporter, config.traceExporter, config.metricsExporter].some((e) => e.kind !== 'none');
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
