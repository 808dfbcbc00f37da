#!/usr/bin/env node
// Entry point of the `responses-server` binary; see `runCli` for the behaviour.

import { runCli, USAGE, UsageError } from './cli/main.js';

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};

try {
  const server = await runCli(process.argv.slice(2), io);
  if (server) {
    const stop = (signal: string) => {
      io.stderr(`received ${signal}, closing\n`);
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  }
} catch (err) {
  io.stderr(`responses-server: ${(err as Error).message}\n`);
  if (err instanceof UsageError) io.stderr(USAGE);
  process.exit(err instanceof UsageError ? 2 : 1);
}
