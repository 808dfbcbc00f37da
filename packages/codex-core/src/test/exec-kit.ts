// What the exec tool tests share: a full-access sandbox, temp folders and tool sets cleaned up
// after each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandSandbox, createCommandSandbox, type ExecTools } from '@codex-ts/core';
import { afterEach } from 'vitest';

/** A `danger-full-access` sandbox (commands run as they are, no network flag). */
export const FULL_ACCESS_SANDBOX: CommandSandbox = createCommandSandbox({
  mode: 'danger-full-access',
  writableRoots: [],
  networkAccess: false,
});

/** What {@link useExecToolKit} gives a test file. */
export interface ExecToolKit {
  /** A new empty temporary folder, removed after the test. */
  tempDir(): string;
  /** Registers `tools` to be closed (its processes killed) after the test; returns it. */
  track(tools: ExecTools): ExecTools;
}

/**
 * Registers an `afterEach` that closes every tool set {@link ExecToolKit.track} was given and
 * removes every folder {@link ExecToolKit.tempDir} made (named `<prefix>XXXXXX` in the OS temp dir).
 */
export function useExecToolKit(prefix: string): ExecToolKit {
  const dirs: string[] = [];
  const toolSets: ExecTools[] = [];
  afterEach(() => {
    for (const t of toolSets.splice(0)) t.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    tempDir() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    track(tools) {
      toolSets.push(tools);
      return tools;
    },
  };
}
