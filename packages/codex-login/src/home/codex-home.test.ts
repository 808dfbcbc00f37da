import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCodexHome } from './codex-home.js';

describe('resolveCodexHome', () => {
  it('uses $CODEX_HOME when set, resolved to an absolute path', () => {
    expect(resolveCodexHome({ CODEX_HOME: '/tmp/x-codex' })).toBe('/tmp/x-codex');
    expect(resolveCodexHome({ CODEX_HOME: 'rel/home' })).toBe(resolve('rel/home'));
  });

  it('falls back to ~/.codex when CODEX_HOME is unset or blank', () => {
    expect(resolveCodexHome({ HOME: '/home/someone' })).toBe(join('/home/someone', '.codex'));
    expect(resolveCodexHome({ CODEX_HOME: '  ', HOME: '/home/someone' })).toBe(
      join('/home/someone', '.codex'),
    );
    expect(resolveCodexHome({})).toBe(join(homedir(), '.codex'));
  });
});
