import { SecretRedactor } from '@codex-ts/client';
import { openExecConversation, type ResumeTarget, type TurnEvent } from '@codex-ts/core';
import { addTokenUsage } from '@codex-ts/protocol';
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
  /**
   * Redacts everything printed (see {@link runExec}); also given to the session, which registers
   * every credential it uses in it. Default: a new one.
   */
  redactor?: SecretRedactor | undefined;
  /** `exec resume`: the thread to continue (see `OpenExecOptions.resume`). */
  resume?: ResumeTarget | undefined;
  /** `--ephemeral`: no rollout file. */
  ephemeral?: boolean | undefined;
  /** `--dangerously-bypass-approvals-and-sandbox`. */
  dangerouslyBypassApprovalsAndSandbox?: boolean | undefined;
}

/**
 * Runs one `exec` turn and prints it. Resolves to the process exit code: 0 when the turn
 * completed, 1 when it failed (a `turn.failed` line in JSON mode, `ERROR: …` on stderr in
 * human mode) or could not start (bad config, missing credentials: the message on stderr).
 *
 * Last line of defence for secrets: everything written to `stdout` and `stderr` (human text,
 * JSONL, error messages) goes through the session's `SecretRedactor` (`options.redactor`), which
 * holds every credential the session knows (`CODEX_API_KEY`, `OPENAI_API_KEY`, the provider's key
 * and credential headers, every auth header value sent); each occurrence is printed as `***`, also
 * when it is split across streamed deltas. Both sinks are flushed before this resolves.
 */
export async function runExec(options: ExecOptions): Promise<number> {
  const redactor = options.redactor ?? new SecretRedactor();
  const stdout = redactor.writer(options.stdout);
  const stderr = redactor.writer(options.stderr);
  try {
    return await runTurn(options, redactor, stdout, stderr);
  } finally {
    stdout.flush();
    stderr.flush();
  }
}

async function runTurn(
  options: ExecOptions,
  redactor: SecretRedactor,
  stdout: OutputSink,
  stderr: OutputSink,
): Promise<number> {
  let opened: Awaited<ReturnType<typeof openExecConversation>>;
  try {
    opened = await openExecConversation({
      env: options.env,
      cwd: options.cwd,
      configOverrides: options.configOverrides,
      version: CLI_VERSION,
      redactor,
      // The original's tracing line on stderr (observed-cli-0.169-auth §8); the text is redacted.
      authLog: (level, message) =>
        stderr.write(`${level.toUpperCase().padStart(5)} codex_login::auth::manager: ${message}\n`),
      ...(options.model ? { model: options.model } : {}),
      ...(options.resume ? { resume: options.resume } : {}),
      ...(options.ephemeral ? { ephemeral: true } : {}),
      ...(options.dangerouslyBypassApprovalsAndSandbox ? { dangerouslyBypassApprovalsAndSandbox: true } : {}),
    });
  } catch (error) {
    stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const { conversation } = opened;
  const json = options.json ? new JsonlPrinter(stdout) : undefined;
  const human = options.json ? undefined : new HumanPrinter(stdout, stderr);
  json?.threadStarted(conversation.threadId);
  let exitCode = 1;
  try {
    for await (const event of conversation.runTurn(
      options.prompt,
      options.signal ? { signal: options.signal } : {},
    )) {
      // A resumed thread's usage before this process counts too (0.169.0 prints the thread total).
      const shown: TurnEvent =
        event.type === 'turn.completed' && opened.resumedUsage
          ? { ...event, usage: addTokenUsage(opened.resumedUsage, event.usage) }
          : event;
      json?.handle(shown);
      human?.handle(shown);
      if (event.type === 'turn.completed') exitCode = 0;
    }
  } finally {
    await opened.close();
  }
  return exitCode;
}
