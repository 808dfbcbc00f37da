import { openExecConversation } from '@codex-ts/core';
import { HumanPrinter } from '../output/human-printer.js';
import { JsonlPrinter, type OutputSink } from '../output/jsonl-printer.js';
import { CLI_VERSION } from '../version.js';

/** Options of one `codex-ts exec` run (already parsed from the command line). */
export interface ExecOptions {
  prompt: string;
  json: boolean;
  model?: string | undefined;
  /** `-c key=value` overrides, in order. */
  configOverrides: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: OutputSink;
  stderr: OutputSink;
  signal?: AbortSignal | undefined;
}

/**
 * Runs one `exec` turn and prints it. Resolves to the process exit code: 0 when the turn
 * completed, 1 when it failed (a `turn.failed` line in JSON mode, `ERROR: …` on stderr in
 * human mode) or could not start (bad config, missing credentials: the message on stderr).
 */
export async function runExec(options: ExecOptions): Promise<number> {
  let opened: Awaited<ReturnType<typeof openExecConversation>>;
  try {
    opened = await openExecConversation({
      env: options.env,
      cwd: options.cwd,
      configOverrides: options.configOverrides,
      version: CLI_VERSION,
      ...(options.model ? { model: options.model } : {}),
    });
  } catch (error) {
    options.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const { conversation } = opened;
  const json = options.json ? new JsonlPrinter(options.stdout) : undefined;
  const human = options.json ? undefined : new HumanPrinter(options.stdout, options.stderr);
  json?.threadStarted(conversation.threadId);
  let exitCode = 1;
  try {
    for await (const event of conversation.runTurn(
      options.prompt,
      options.signal ? { signal: options.signal } : {},
    )) {
      json?.handle(event);
      human?.handle(event);
      if (event.type === 'turn.completed') exitCode = 0;
    }
  } finally {
    await opened.close();
  }
  return exitCode;
}
