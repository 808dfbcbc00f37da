/**
 * `@codex-ts/core/test`: the harness of the core tests (workspace-only: not published, see
 * tsup.shared.ts): a ModelClient and Conversation on a local responses server, the shared session
 * identity, a test SessionTelemetry and the skip reason of the bubblewrap tests.
 */
export {
  type ConfigHome,
  type LocalProviderTomlOptions,
  localProviderToml,
  useConfigHome,
} from './config-home.js';
export { type ExecToolKit, FULL_ACCESS_SANDBOX, useExecToolKit } from './exec-kit.js';
export {
  echoTools,
  type Harness,
  harness,
  IDENTITY,
  recordingSleep,
  TEST_ENVIRONMENT_CONTEXT,
  THREAD_ID,
  testConversation,
  testTelemetry,
} from './harness.js';
export { processGone } from './processes.js';
export { sandboxSkipReason } from './sandbox-skip.js';
export { type ScriptedAuth, type ScriptedAuthScript, scriptedRecoveryAuth } from './scripted-auth.js';
export { THREAD_HOME_API_KEY, type ThreadHome, threadHome } from './thread-home.js';
