/**
 * `@codex-ts/client/test`: test helpers shared by the workspace's tests (workspace-only: not
 * published, see tsup.shared.ts). A purpose-built HTTP server on 127.0.0.1, bounded waits, the
 * no-secret assertion, process-warning capture and chunk cutting.
 */
export { cutAt } from './cut.js';
export { errorTexts, expectNoSecret } from './no-secret.js';
export {
  closeAllServers,
  closedPort,
  closeServersAndTransport,
  type Handler,
  type RecordedRequest,
  startServer,
  type TestServer,
} from './server.js';
export { decodeBytes, decodeText } from './sse.js';
export { collect, until, within } from './wait.js';
export { captureWarnings } from './warnings.js';
