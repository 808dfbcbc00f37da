// Request/response calls to a worker thread: the bench servers run off the consumers' event loop.
import { parentPort, Worker } from 'node:worker_threads';

/**
 * Starts the worker module at `url` and returns `{ worker, call(op, arg) }`. The worker answers
 * each `{ id, op, arg }` message with `{ id, value }` or `{ id, error }`; once the worker errors or
 * exits, every pending and later call rejects with that failure.
 */
export function startWorkerRpc(url, workerData) {
  const worker = new Worker(url, workerData === undefined ? {} : { workerData });
  let nextId = 0;
  const waiting = new Map();
  let failure;
  const failAll = (error) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(failure);
    waiting.clear();
  };
  worker.on('message', (message) => {
    const entry = waiting.get(message.id);
    if (!entry) return;
    waiting.delete(message.id);
    if (message.error) entry.reject(new Error(`server worker: ${message.error}`));
    else entry.resolve(message.value);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`server worker exited with code ${code}`)));
  const call = (op, arg) =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, op, arg });
    });
  return { worker, call };
}

/**
 * The worker side of {@link startWorkerRpc}: answers each `{ id, op, arg }` from the parent with
 * `{ id, value }` (what `ops[op](arg)` returns or resolves with) or `{ id, error }` (the failure's
 * stack; an op not in `ops` fails with `unknown op "<op>"`).
 */
export function serveWorkerOps(ops) {
  parentPort.on('message', async ({ id, op, arg }) => {
    try {
      if (!Object.hasOwn(ops, op)) throw new Error(`unknown op "${op}"`);
      const value = await ops[op](arg);
      parentPort.postMessage({ id, value });
    } catch (error) {
      parentPort.postMessage({ id, error: String(error?.stack ?? error) });
    }
  });
}
