import { mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentContext } from './open-exec.js';
import { systemTimeZone } from './time-zone.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function fakeRoot(files: { localtime?: string; timezone?: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'codex-ts-tz-'));
  roots.push(root);
  mkdirSync(join(root, 'etc'));
  if (files.localtime !== undefined) symlinkSync(files.localtime, join(root, 'etc', 'localtime'));
  if (files.timezone !== undefined) writeFileSync(join(root, 'etc', 'timezone'), files.timezone);
  return root;
}

/** The zone the host's /etc/localtime link names, if it is one. */
function hostLinkZone(): string | undefined {
  try {
    return /zoneinfo\/(.+)$/.exec(readlinkSync('/etc/localtime'))?.[1];
  } catch {
    return undefined;
  }
}

describe('systemTimeZone', () => {
  it('names the target of the /etc/localtime link after zoneinfo/', () => {
    expect(
      systemTimeZone(fakeRoot({ localtime: '/usr/share/zoneinfo/Etc/UTC', timezone: 'Europe/Paris\n' })),
    ).toBe('Etc/UTC');
    expect(systemTimeZone(fakeRoot({ localtime: '../usr/share/zoneinfo/America/New_York' }))).toBe(
      'America/New_York',
    );
  });

  it('falls back to the first line of /etc/timezone, then to Intl', () => {
    expect(systemTimeZone(fakeRoot({ timezone: 'Europe/Paris\nignored\n' }))).toBe('Europe/Paris');
    expect(systemTimeZone(fakeRoot({ localtime: '/nowhere/else', timezone: '  \n' }))).toBe(
      Intl.DateTimeFormat().resolvedOptions().timeZone,
    );
  });
});

describe('environmentContext time zone', () => {
  const zone = hostLinkZone();
  // As codex 0.169.0: `TZ` changes the date (local time) but not <timezone>, which names the
  // /etc/localtime link (Etc/UTC on a UTC host, where Intl says "UTC").
  it.skipIf(zone === undefined)('sends the /etc/localtime zone even when TZ names another', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      const now = new Date(Date.UTC(2026, 11, 3, 21, 0, 0));
      const text = environmentContext('/work', { SHELL: '/bin/bash' }, now);
      expect(text).toContain(`<timezone>${zone}</timezone>`);
      expect(text).toContain('<current_date>2026-12-04</current_date>');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
