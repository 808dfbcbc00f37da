import { detectSandbox, probeSandbox, USER_NAMESPACE_WARNING } from '@codex-ts/core';

/**
 * Why the tests that run commands inside bubblewrap cannot run on this machine, or `undefined`
 * when they can: no `bwrap` on `PATH` (or `CODEX_TS_BWRAP`) → `<detection message>; install
 * bubblewrap to run them`; the host forbids the namespaces bubblewrap needs → the original's
 * {@link USER_NAMESPACE_WARNING}. Any other probe failure is not a reason to skip (the tests then
 * fail). Probes once per call (a few ms).
 */
export async function sandboxSkipReason(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const detection = detectSandbox(env);
  if (!detection.available) return `${detection.message}; install bubblewrap to run them`;
  return (await probeSandbox(detection.bwrapPath)) === USER_NAMESPACE_WARNING
    ? USER_NAMESPACE_WARNING
    : undefined;
}
