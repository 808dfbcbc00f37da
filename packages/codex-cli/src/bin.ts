#!/usr/bin/env node
import { main } from './main.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

async function readStdinBytes(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readStdin(): Promise<string> {
  return Buffer.from(await readStdinBytes()).toString('utf8');
}

const code = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: { write: (s) => process.stdout.write(s) },
  stderr: { write: (s) => process.stderr.write(s) },
  readStdin,
  readStdinBytes,
  stdinIsTty: Boolean(process.stdin.isTTY),
  signal: controller.signal,
});
process.exitCode = code;
// Whatever still holds the event loop once main returned (an OpenTelemetry exporter's request to a
// stalled collector, past the bounded flush) gets one more second, then the process exits with its code.
setTimeout(() => process.exit(code), 1000).unref();
