import type { Server } from 'node:http';
import { connect } from 'node:net';
import { LoginFlowError } from '../common/flow-error.js';

/** The callback ports of 0.169.0: 1455, and the registered fallback 1457. */
export const DEFAULT_CALLBACK_PORTS: readonly [number, number] = [1455, 1457];

const ATTEMPTS_PER_PORT = 10;
const RETRY_DELAY_MS = 200;

/**
 * Binds `server` on 127.0.0.1 as 0.169.0 did (§1.9): try `ports[0]`; when it is busy send one raw
 * `GET /cancel` to it (an earlier login there ends itself) and retry 10 times 200 ms apart; then
 * the same on `ports[1]` (no `/cancel`). Port 0 binds any free port.
 *
 * @returns the bound port.
 * @throws {LoginFlowError} `port_in_use`: `Port 127.0.0.1:<ports[1]> is already in use`; `aborted`.
 */
export async function bindCallbackPort(
  server: Server,
  ports: readonly [number, number],
  signal?: AbortSignal,
): Promise<number> {
  for (const [index, port] of ports.entries()) {
    for (let attempt = 0; attempt < ATTEMPTS_PER_PORT; attempt += 1) {
      if (signal?.aborted) throw new LoginFlowError('aborted', 'Login aborted');
      const bound = await tryListen(server, port);
      if (bound !== undefined) return bound;
      if (index === 0 && attempt === 0) sendCancel(port);
      if (attempt < ATTEMPTS_PER_PORT - 1) await delay(RETRY_DELAY_MS);
    }
  }
  throw new LoginFlowError('port_in_use', `Port 127.0.0.1:${ports[1]} is already in use`);
}

function tryListen(server: Server, port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') resolve(undefined);
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

/** One raw `GET /cancel` to the holder of `port` (best effort, bounded to 2 s, errors ignored). */
function sendCancel(port: number): void {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setTimeout(2_000, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('connect', () => {
    socket.end(`GET /cancel HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
  socket.on('data', () => undefined);
  socket.on('end', () => socket.destroy());
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
