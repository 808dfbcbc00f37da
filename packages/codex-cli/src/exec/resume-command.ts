import type { SecretRedactor } from '@codex-ts/client';
import type { ResumeTarget } from '@codex-ts/core';
import type { Command } from 'commander';
import type { MainIo } from '../main.js';
import {
  addResumeOptions,
  buildExecOptions,
  checkExecConflicts,
  type ExecFlags,
  resumeFlags,
} from './exec-options.js';
import { runExec } from './run-exec.js';

/** 0.169.0's texts when `exec resume` gets no prompt (codex-rs/exec `run_main`). */
export const RESUME_PROMPT_TEXTS = {
  noPrompt: 'No prompt provided. Either specify one as an argument or pipe the prompt into stdin.',
  readingStdin: 'Reading prompt from stdin...',
  emptyStdin: 'No prompt provided via stdin.',
} as const;

/** 0.169.0's refusal of `--worktree` on `exec resume` (before anything else is checked; exit 1). */
export const RESUME_WORKTREE_TEXT =
  'Error: `--worktree` cannot resume an existing session; use `codex exec fork --worktree`';

/**
 * Adds `codex-ts exec resume [OPTIONS] [SESSION_ID] [PROMPT]` to the `exec` command, as 0.169.0's
 * `codex exec resume` (observed-cli-0.169-auth §15): `SESSION_ID` is a thread id (UUID) or a
 * thread name; `--last` picks the thread updated last in the working directory (`--all`:
 * any), and then a single positional is the prompt. The prompt is `-` (read from stdin), given,
 * or read from piped stdin ("Reading prompt from stdin..."; empty: "No prompt provided via
 * stdin.", exit 1); none with a terminal on stdin: "No prompt provided. Either specify one as an
 * argument or pipe the prompt into stdin.", exit 1. Then one turn runs as `exec` does on the
 * resumed thread (`OpenExecOptions.resume`): an unknown UUID prints "Error: thread/resume:
 * thread/resume failed: no rollout found for thread id <id> (code -32600)" and exits 1; an
 * unknown name or no recorded thread starts a new one.
 *
 * Options: after `resume`, `-c`, `--last`, `--all`, `-i <FILE>` and `exec`'s global options (the
 * original's `--help`; `exec`-only ones such as `-p` or `-s` are unknown there); every option
 * of `exec` given before `resume` counts too (merged by `resumeFlags`), and the flags become
 * `runExec` options through `buildExecOptions`, the code path of `exec` itself. `--worktree`
 * (either side) prints {@link RESUME_WORKTREE_TEXT} and exits 1.
 */
export function registerExecResume(
  exec: Command,
  deps: { io: MainIo; redactor: SecretRedactor; setExitCode(code: number): void },
): Command {
  const { io } = deps;
  const resume = exec
    .command('resume')
    .description('Resume a previous session by id or pick the most recent with --last')
    .argument(
      '[SESSION_ID]',
      'Conversation/session id (UUID) or thread name. UUIDs take precedence if it parses. If omitted, use --last to pick the most recent recorded session',
    )
    .argument('[PROMPT]', 'Prompt to send after resuming the session. If `-` is used, read from stdin');
  addResumeOptions(resume, io.stderr);
  resume.action(
    async (sessionArg: string | undefined, promptArg: string | undefined, _opts, command: Command) => {
      deps.setExitCode(await runResume(sessionArg, promptArg, command, deps));
    },
  );
  return resume;
}

async function runResume(
  sessionArg: string | undefined,
  promptArg: string | undefined,
  command: Command,
  deps: { io: MainIo; redactor: SecretRedactor },
): Promise<number> {
  const { io } = deps;
  const parent = command.parent as Command;
  checkExecConflicts(parent.opts() as ExecFlags, io.stderr);
  const flags = resumeFlags(parent, command);
  if (flags.worktree === true) {
    io.stderr.write(`${RESUME_WORKTREE_TEXT}\n`);
    return 1;
  }
  let sessionId = sessionArg;
  let promptText = promptArg;
  if (flags.last === true && promptText === undefined) {
    promptText = sessionId;
    sessionId = undefined;
  }
  const target: ResumeTarget | undefined =
    sessionId !== undefined
      ? { threadId: sessionId }
      : flags.last === true
        ? { last: true, all: flags.all === true }
        : undefined;
  const options = await buildExecOptions(flags, { ...io, redactor: deps.redactor }, async () => {
    let prompt = promptText;
    if (prompt === '-') {
      prompt = await io.readStdin();
    } else if (prompt === undefined) {
      if (io.stdinIsTty) {
        io.stderr.write(`${RESUME_PROMPT_TEXTS.noPrompt}\n`);
        return 1;
      }
      io.stderr.write(`${RESUME_PROMPT_TEXTS.readingStdin}\n`);
      prompt = await io.readStdin();
    }
    if (prompt.trim() === '') {
      io.stderr.write(`${RESUME_PROMPT_TEXTS.emptyStdin}\n`);
      return 1;
    }
    return prompt;
  });
  return typeof options === 'number' ? options : runExec({ ...options, resume: target });
}
