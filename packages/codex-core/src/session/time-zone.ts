import { readFileSync, readlinkSync } from 'node:fs';

/** Where the IANA name of a `/etc/localtime` link target starts. */
const ZONEINFO = /(?:^|\/)zoneinfo\/(.+)$/;

/**
 * The IANA name of the system time zone, as the original finds it (codex-rs uses the
 * `iana-time-zone` crate, which does not read `TZ`): the target of the `/etc/localtime` link
 * after `…/zoneinfo/` (`/usr/share/zoneinfo/Etc/UTC` → `Etc/UTC`), else the first line of
 * `/etc/timezone`, else what `Intl` reports (`Intl.DateTimeFormat().resolvedOptions().timeZone`,
 * about 15 ms the first time: it loads ICU's zone data). `root` prefixes both paths (tests).
 */
export function systemTimeZone(root = ''): string {
  try {
    const match = ZONEINFO.exec(readlinkSync(`${root}/etc/localtime`));
    if (match?.[1] !== undefined) return match[1];
  } catch {}
  try {
    const name = readFileSync(`${root}/etc/timezone`, 'utf8').split('\n')[0]?.trim();
    if (name) return name;
  } catch {}
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
