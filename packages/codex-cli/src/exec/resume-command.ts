import type { SecretRedactor } from '@codex-ts/client';
import type { ResumeTarget } from '@codex-ts/core';
import { type Command, Option } from 'commander';
import { configOption } from '../config-option.js';
import type { MainIo } from '../main.js';
import { runExec } from './run-exec.js';

/** 0.169.0's texts when `exec resume` gets no prompt (codex-rs/exec `run_main`). */
export const RESUME_PROMPT_TEXTS = {
  noPrompt: 'No prompt provided. Either specify one as an argument or pipe the prompt into stdin.',
  readingStdin: 'Reading prompt from stdin...',
  emptyStdin: 'No prompt provided via stdin.',
} as const;

interface ResumeOptions {
  last?: boolean;
  all?: boolean;
  json?: boolean;
  model?: string;
  config?: string[];
  ephemeral?: boolean;
  dangerouslyBypassApprovalsAndSandbox?: boolean;
  [key: string]: unknown;
}

/** Options of 0.169.0's `codex exec resume --help` that codex-ts does not run yet. */
const NOT_YET: ReadonlyArray<[flags: string, key: string, help: string]> = [
  ['--enable <FEATURE>', 'enable', 'Enable a feature (repeatable). Equivalent to `-c features.<name>=true`'],
  [
    '--disable <FEATURE>',
    'disable',
    'Disable a feature (repeatable). Equivalent to `-c features.<name>=false`',
  ],
  ['-i, --image <FILE>', 'image', 'Optional image(s) to attach to the prompt sent after resuming'],
  ['--strict-config', 'strictConfig', 'Error out when config.toml contains fields that are not recognized'],
  [
    '--dangerously-bypass-hook-trust',
    'dangerouslyBypassHookTrust',
    'Run enabled hooks without persisted hook trust',
  ],
  ['--worktree', 'worktree', 'Run the session in a new managed Git worktree'],
  ['--thread-source <SOURCE>', 'threadSource', 'Source classification for newly created or forked threads'],
  ['--cyber-access-program <PROGRAM>', 'cyberAccessProgram', 'Request an experimental Cyber access program'],
  ['--trust', 'trust', 'Save trust for this project and future chats'],
  [
    '--ignore-user-config',
    'ignoreUserConfig',
    'Do not load `$CODEX_HOME/config.toml`; auth still uses `CODEX_HOME`',
  ],
  ['--ignore-rules', 'ignoreRules', 'Do not load user or project execpolicy `.rules` files'],
  [
    '--output-schema <FILE>',
    'outputSchema',
    "Path to a JSON Schema file describing the model's final response shape",
  ],
  [
    '-o, --output-last-message <FILE>',
    'outputLastMessage',
    'File where the last message from the agent is written',
  ],
];

/**
 * Option values of `exec resume` merged with its parent `exec`'s: an option given on either
 * side wins over a default, repeatable `-c` values add up (parent's first).
 */
function mergedOptions(command: Command): ResumeOptions {
  const merged: ResumeOptions = {};
  const chain = [command.parent, command].filter((c): c is Command => c !== null && c !== undefined);
  for (const cmd of chain) {
    const values = cmd.opts() as Record<string, unknown>;
    for (const [key, value] of Object.entries(values)) {
      const source = cmd.getOptionValueSource(key);
      if (key === 'config' && Array.isArray(value)) {
        merged.config = [...(merged.config ?? []), ...(value as string[])];
      } else if (merged[key] === undefined || (source !== 'default' && source !== undefined)) {
        merged[key] = value;
      }
    }
  }
  return merged;
}

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
 * unknown name or no recorded thread starts a new one. Options of `exec` given before `resume`
 * count too. The original's options codex-ts does not run yet are listed in `--help` and refused
 * with exit 2.
 */
export function registerExecResume(
  exec: Command,
  deps: { io: MainIo; redactor: SecretRedactor; setExitCode(code: number): void },
): Command {
  const { io } = deps;
  const resume = exec
    .command('resume')
    .description('Resume a previous session by id or pick the most recent with --last')
    .argument('[SESSION_ID]', 'Conversation/session id (UUID) or thread name; with --last, omit it')
    .argument('[PROMPT]', 'Prompt to send after resuming the session. If `-` is used, read from stdin')
    .addOption(configOption())
    .option('--last', 'Resume the most recent recorded session (newest) without specifying an id', false)
    .option('--all', 'Show all sessions (disables cwd filtering)', false)
    .option('-m, --model <MODEL>', 'Model the agent should use')
    .option(
      '--dangerously-bypass-approvals-and-sandbox',
      'Skip all confirmation prompts and execute commands without sandboxing. EXTREMELY DANGEROUS',
      false,
    )
    .option('--skip-git-repo-check', 'Allow running Codex outside a Git repository', false)
    .option('--ephemeral', 'Run without persisting session files to disk', false)
    .option('--json', 'Print events to stdout as JSONL', false);
  for (const [flags, , help] of NOT_YET) resume.addOption(new Option(flags, help));
  resume.action(
    async (sessionArg: string | undefined, promptArg: string | undefined, _opts, command: Command) => {
      const opts = mergedOptions(command);
      // Only options given on the command line count (`exec`'s defaults, e.g. `--enable` = [], do not).
      const given = (key: string) =>
        [command.parent, command].some((c) => {
          const source = c?.getOptionValueSource(key);
          return source !== undefined && source !== 'default';
        });
      const refused = NOT_YET.find(([, key]) => given(key));
      if (refused) {
        io.stderr.write(
          `error: '${refused[0].split(' <')[0]}' is not supported by codex-ts exec resume yet\n`,
        );
        deps.setExitCode(2);
        return;
      }
      let sessionId = sessionArg;
      let prompt = promptArg;
      if (opts.last === true && prompt === undefined) {
        prompt = sessionId;
        sessionId = undefined;
      }
      if (prompt === '-') {
        prompt = await io.readStdin();
      } else if (prompt === undefined) {
        if (io.stdinIsTty) {
          io.stderr.write(`${RESUME_PROMPT_TEXTS.noPrompt}\n`);
          deps.setExitCode(1);
          return;
        }
        io.stderr.write(`${RESUME_PROMPT_TEXTS.readingStdin}\n`);
        prompt = await io.readStdin();
      }
      if (prompt.trim() === '') {
        io.stderr.write(`${RESUME_PROMPT_TEXTS.emptyStdin}\n`);
        deps.setExitCode(1);
        return;
      }
      const target: ResumeTarget | undefined =
        sessionId !== undefined
          ? { threadId: sessionId }
          : opts.last === true
            ? { last: true, all: opts.all === true }
            : undefined;
      deps.setExitCode(
        await runExec({
          prompt,
          json: opts.json === true,
          model: opts.model,
          configOverrides: opts.config ?? [],
          env: io.env,
          cwd: io.cwd,
          stdout: io.stdout,
          stderr: io.stderr,
          signal: io.signal,
          redactor: deps.redactor,
          resume: target,
          ephemeral: opts.ephemeral === true,
          dangerouslyBypassApprovalsAndSandbox: opts.dangerouslyBypassApprovalsAndSandbox === true,
        }),
      );
    },
  );
  return resume;
}
