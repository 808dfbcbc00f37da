// `node:child_process` on first use: the module loads when a process is first started, not at
// start-up (a short turn outside a git work tree starts none). Internal to the package.
import type * as ChildProcessModule from 'node:child_process';

/** The `node:child_process` module, loaded on the first call. */
export function childProcess(): typeof ChildProcessModule {
  return process.getBuiltinModule('node:child_process') as typeof ChildProcessModule;
}
