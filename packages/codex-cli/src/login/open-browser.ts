import type * as ChildProcessModule from 'node:child_process';

/** `node:child_process`, loaded when a process is first started, not at start-up (a short turn outside a git work tree starts none). */
function childProcess(): typeof ChildProcessModule {
  return process.getBuiltinModule('node:child_process') as typeof ChildProcessModule;
}

/**
 * Asks the system browser to open `url` (best effort, errors ignored, never waits): the program
 * named by `BROWSER` when set (run without a shell, the URL as its one argument), else `open`
 * (macOS), `cmd /c start` (Windows) or `xdg-open`.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const browser = env.BROWSER?.trim();
  let command: string;
  let args: string[];
  if (browser) [command, args] = [browser, [url]];
  else if (process.platform === 'darwin') [command, args] = ['open', [url]];
  else if (process.platform === 'win32') [command, args] = ['cmd', ['/c', 'start', '""', url]];
  else [command, args] = ['xdg-open', [url]];
  try {
    const child = childProcess().spawn(command, args, { stdio: 'ignore', detached: true, env });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser: the URL is printed anyway
  }
}
