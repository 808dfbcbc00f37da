import { readFileSync } from 'node:fs';
import { arch as osArch, type as osType, release } from 'node:os';

/** The originator `codex exec` sends (observed in 0.169.0); `codex_cli_rs` is the interactive default. */
export const EXEC_ORIGINATOR = 'codex_exec';

/**
 * `originator` header value: `$CODEX_INTERNAL_ORIGINATOR_OVERRIDE` when set and non-blank,
 * else `fallback`.
 */
export function resolveOriginator(fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE?.trim();
  return override ? override : fallback;
}

/** OS name and version as the original prints them, e.g. `Debian 12.0.0` or `Darwin 24.1.0`. */
export function osDescription(): string {
  if (osType() === 'Linux') {
    try {
      const text = readFileSync('/etc/os-release', 'utf8');
      const field = (key: string) => text.match(new RegExp(`^${key}="?([^"\\n]*)"?`, 'm'))?.[1];
      const name = (field('NAME') ?? 'Linux').split(/\s+/)[0] ?? 'Linux';
      const version = field('VERSION_ID');
      if (version) {
        const parts = version.split('.');
        while (parts.length < 3) parts.push('0');
        return `${name} ${parts.join('.')}`;
      }
      return name;
    } catch {
      // fall through to the kernel description
    }
  }
  return `${osType()} ${release()}`;
}

function archName(): string {
  const a = osArch();
  if (a === 'x64') return 'x86_64';
  if (a === 'arm64') return 'arm64';
  return a;
}

/**
 * The `User-Agent` header:
 * `{originator}/{version} ({os} {os version}; {arch}) {terminal}[ ({suffix})]`, e.g.
 * `codex_exec/0.1.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.1.0)`. The terminal is
 * `$TERM` (or `unknown`). Characters outside printable ASCII are replaced with `_`.
 */
export function buildUserAgent(options: {
  originator: string;
  version: string;
  suffix?: string | undefined;
  env?: NodeJS.ProcessEnv;
}): string {
  const env = options.env ?? process.env;
  const terminal = env.TERM_PROGRAM?.trim() || env.TERM?.trim() || 'unknown';
  let ua = `${options.originator}/${options.version} (${osDescription()}; ${archName()}) ${terminal}`;
  if (options.suffix?.trim()) ua += ` (${options.suffix.trim()})`;
  return ua.replace(/[^\x20-\x7e]/g, '_');
}
