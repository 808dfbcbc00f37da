import { resolve } from 'node:path';
import type { SecretRedactor } from '@codex-ts/client';
import { featureFlagOverrides, ioErrorText } from '@codex-ts/core';
import { type Command, Option } from 'commander';
import { configOption } from '../config-option.js';
import { realpath } from '../internal/fs-async.js';
import type { OutputSink } from '../output/jsonl-printer.js';
import { choiceOption, clapError, imageOption, listOption, profileOption, USAGE } from './exec-flags.js';
import { ExecExit } from './exec-setup.js';
import type { ExecOptions } from './run-exec.js';

/** The parsed options of `exec` (and of `exec resume`, merged with `exec`'s: see {@link resumeFlags}). */
export interface ExecFlags {
  config: string[];
  enable: string[];
  disable: string[];
  strictConfig?: boolean;
  image: string[];
  model?: string;
  oss?: boolean;
  localProvider?: string;
  profile?: string;
  sandbox?: 'read-only' | 'workspace-write' | 'danger-full-access';
  approveForMe?: boolean;
  dangerouslyBypassApprovalsAndSandbox?: boolean;
  yolo?: boolean;
  dangerouslyBypassHookTrust?: boolean;
  cd?: string;
  worktree?: boolean;
  addDir: string[];
  threadSource?: string;
  cyberAccessProgram?: string;
  skipGitRepoCheck?: boolean;
  trust?: boolean;
  ephemeral?: boolean;
  ignoreUserConfig?: boolean;
  ignoreRules?: boolean;
  outputSchema?: string;
  color?: 'always' | 'never' | 'auto';
  json?: boolean;
  outputLastMessage?: string;
}

const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;

/**
 * Where an option of `codex exec` 0.169.0 is accepted: `global` options (clap's `global = true`)
 * also after `exec resume`, `exec` ones only before a subcommand.
 */
type Scope = 'global' | 'exec';

/** Every option of `codex exec` 0.169.0 in its `--help` order (a factory each: an Option belongs to one command). */
function execOptionTable(stderr: OutputSink, usage: string): [Scope, () => Option][] {
  const plain = (flags: string, help: string) => () => new Option(flags, help);
  return [
    [
      'global',
      () =>
        listOption(
          '--enable <FEATURE>',
          'Enable a feature (repeatable). Equivalent to `-c features.<name>=true`',
        ),
    ],
    [
      'global',
      () =>
        listOption(
          '--disable <FEATURE>',
          'Disable a feature (repeatable). Equivalent to `-c features.<name>=false`',
        ),
    ],
    [
      'global',
      plain(
        '--strict-config',
        'Error out when config.toml contains fields that are not recognized by this version of Codex',
      ),
    ],
    ['exec', () => imageOption()],
    ['global', plain('-m, --model <MODEL>', 'Model the agent should use')],
    ['exec', plain('--oss', 'Use open-source provider')],
    [
      'exec',
      plain('--local-provider <OSS_PROVIDER>', 'Specify which local provider to use (lmstudio or ollama)'),
    ],
    ['exec', () => profileOption(stderr)],
    [
      'exec',
      () =>
        choiceOption(
          '-s, --sandbox <SANDBOX_MODE>',
          '--sandbox <SANDBOX_MODE>',
          'Select the sandbox policy to use when executing model-generated shell commands',
          SANDBOX_MODES,
          stderr,
          usage,
        ),
    ],
    [
      'exec',
      plain(
        '--approve-for-me',
        'Route approval requests through automatic review using the workspace-write sandbox',
      ),
    ],
    [
      'global',
      plain(
        '--dangerously-bypass-approvals-and-sandbox',
        'Skip all confirmation prompts and execute commands without sandboxing',
      ),
    ],
    ['global', () => new Option('--yolo').hideHelp()],
    [
      'global',
      plain(
        '--dangerously-bypass-hook-trust',
        'Run enabled hooks without requiring persisted hook trust for this invocation',
      ),
    ],
    ['exec', plain('-C, --cd <DIR>', 'Tell the agent to use the specified directory as its working root')],
    ['global', plain('--worktree', 'Run the session in a new managed Git worktree')],
    [
      'exec',
      () =>
        listOption(
          '--add-dir <DIR>',
          'Additional directories that should be writable alongside the primary workspace',
        ),
    ],
    [
      'global',
      plain('--thread-source <SOURCE>', 'Source classification for newly created or forked threads'),
    ],
    [
      'global',
      () =>
        choiceOption(
          '--cyber-access-program <PROGRAM>',
          '--cyber-access-program <PROGRAM>',
          'Request an experimental Cyber access program for this turn (OpenAI provider only)',
          ['standard', 'daybreak_blue', 'daybreak_red'],
          stderr,
          usage,
        ),
    ],
    ['global', plain('--skip-git-repo-check', 'Allow running Codex outside a Git repository')],
    ['global', plain('--trust', 'Save trust for this project and future chats')],
    ['global', plain('--ephemeral', 'Run without persisting session files to disk')],
    [
      'global',
      plain('--ignore-user-config', 'Do not load `$CODEX_HOME/config.toml`; auth still uses `CODEX_HOME`'),
    ],
    ['global', plain('--ignore-rules', 'Do not load user or project execpolicy `.rules` files')],
    [
      'global',
      plain(
        '--output-schema <FILE>',
        "Path to a JSON Schema file describing the model's final response shape",
      ),
    ],
    [
      'exec',
      () =>
        choiceOption(
          '--color <COLOR>',
          '--color <COLOR>',
          'Specifies color settings for use in the output',
          ['always', 'never', 'auto'],
          stderr,
          usage,
        ),
    ],
    ['global', plain('--json', 'Print events to stdout as JSONL')],
    [
      'global',
      plain(
        '-o, --output-last-message <FILE>',
        'Specifies file where the last message from the agent should be written',
      ),
    ],
  ];
}

/** clap's usage block of `codex exec resume` (with the blank line before it). */
export const RESUME_USAGE = '\n\nUsage: codex exec resume [OPTIONS] [SESSION_ID] [PROMPT]';

/** Adds every option of `codex exec` 0.169.0 to `exec` (`-c` first), in its `--help` order. */
export function addExecOptions(exec: Command, stderr: OutputSink): void {
  exec.addOption(configOption());
  for (const [, make] of execOptionTable(stderr, USAGE)) exec.addOption(make());
}

/**
 * Adds the options `codex exec resume` 0.169.0 accepts after `resume`, in its `--help` order:
 * `-c`, `--last`, `--all`, then `exec`'s global options with resume's own `-i` (one file per
 * occurrence, `,`-separated lists allowed) before `--strict-config`.
 */
export function addResumeOptions(resume: Command, stderr: OutputSink): void {
  resume
    .addOption(configOption())
    .option('--last', 'Resume the most recent recorded session (newest) without specifying an id')
    .option('--all', 'Show all sessions (disables cwd filtering)');
  for (const [scope, make] of execOptionTable(stderr, RESUME_USAGE)) {
    if (scope !== 'global') continue;
    const option = make();
    if (option.long === '--strict-config')
      resume.addOption(imageOption('Optional image(s) to attach to the prompt sent after resuming', false));
    resume.addOption(option);
  }
}

/** True when `key` was given on `command`'s own command line (not a default). */
function given(command: Command, key: string): boolean {
  const source = command.getOptionValueSource(key);
  return source !== undefined && source !== 'default';
}

/**
 * The options of `exec resume` as 0.169.0 reads them: every option of `exec` given before
 * `resume` counts; a global option given after `resume` replaces `exec`'s value of it (also a
 * repeatable one: `exec --enable a resume --enable b` enables only `b`), except `-c`, whose
 * values add up (`exec`'s first), and `-i`, where `exec`'s images come before `resume`'s.
 */
export function resumeFlags(exec: Command, resume: Command): ExecFlags & { last?: boolean; all?: boolean } {
  const merged: Record<string, unknown> = { ...exec.opts() };
  const own = resume.opts() as Record<string, unknown>;
  for (const [key, value] of Object.entries(own)) {
    if (key === 'config' || key === 'image') {
      merged[key] = [...((merged[key] as string[] | undefined) ?? []), ...((value as string[]) ?? [])];
    } else if (given(resume, key) || merged[key] === undefined) {
      merged[key] = value;
    }
  }
  return merged as unknown as ExecFlags & { last?: boolean; all?: boolean };
}

/**
 * clap's conflicts between options given on `exec` itself (not checked across `resume`, as
 * 0.169.0): `--approve-for-me` with `--dangerously-bypass-approvals-and-sandbox` / `--yolo` or
 * `--sandbox` is a usage error (exit 2).
 */
export function checkExecConflicts(flags: ExecFlags, stderr: OutputSink): void {
  if (!flags.approveForMe) return;
  const other =
    flags.dangerouslyBypassApprovalsAndSandbox === true || flags.yolo === true
      ? '--dangerously-bypass-approvals-and-sandbox'
      : flags.sandbox !== undefined
        ? '--sandbox <SANDBOX_MODE>'
        : undefined;
  if (other !== undefined)
    clapError(stderr, `the argument '--approve-for-me' cannot be used with '${other}'${USAGE}`);
}

/** What {@link buildExecOptions} needs besides the flags. */
export interface ExecOptionsContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: OutputSink;
  stderr: OutputSink;
  signal?: AbortSignal | undefined;
  redactor: SecretRedactor;
}

/**
 * The one place where parsed flags become `runExec` options (for `exec` and `exec resume`):
 * `--enable/--disable` become `-c features.<name>=…` after the `-c` values (unknown name:
 * "Error: Unknown feature flag: <name>"), `-C` is resolved against `cwd` (missing: "Error:
 * <io error>"), `--approve-for-me` without `-s` selects `workspace-write`, `--yolo` is the
 * sandbox bypass. `readPrompt` (it prints its own error and resolves to an exit code when there is
 * no prompt) becomes the options' prompt reader: `runExec` calls it after the config loaded and the
 * `--oss` check, before the output-schema, git-repo and `-o` checks, as 0.169.0 orders them.
 * Resolves to the options, or to an exit code (1) after printing the error.
 */
export async function buildExecOptions(
  flags: ExecFlags,
  context: ExecOptionsContext,
  readPrompt: () => Promise<string | number>,
): Promise<ExecOptions | number> {
  const { stderr } = context;
  let featureOverrides: string[];
  try {
    featureOverrides = featureFlagOverrides(flags.enable, flags.disable);
  } catch (error) {
    stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  }
  let cwd = context.cwd;
  if (flags.cd !== undefined) {
    try {
      cwd = await realpath(resolve(context.cwd, flags.cd));
    } catch (error) {
      stderr.write(`Error: ${ioErrorText(error)}\n`);
      return 1;
    }
  }
  return {
    // Read by `runExec` after the config loaded and the `--oss` check, as 0.169.0.
    prompt: async () => {
      const prompt = await readPrompt();
      if (typeof prompt === 'number') throw new ExecExit(prompt);
      return prompt;
    },
    json: flags.json === true,
    model: flags.model,
    configOverrides: [...flags.config, ...featureOverrides],
    env: context.env,
    cwd,
    stdout: context.stdout,
    stderr,
    signal: context.signal,
    redactor: context.redactor,
    images: flags.image,
    profile: flags.profile,
    strictConfig: flags.strictConfig === true,
    ignoreUserConfig: flags.ignoreUserConfig === true,
    ignoreRules: flags.ignoreRules === true,
    ephemeral: flags.ephemeral === true,
    threadSource: flags.threadSource,
    sandboxMode: flags.approveForMe && flags.sandbox === undefined ? 'workspace-write' : flags.sandbox,
    approveForMe: flags.approveForMe === true,
    additionalWritableRoots: flags.addDir,
    dangerouslyBypassApprovalsAndSandbox:
      flags.dangerouslyBypassApprovalsAndSandbox === true || flags.yolo === true,
    skipGitRepoCheck: flags.skipGitRepoCheck === true,
    outputSchemaFile: flags.outputSchema,
    outputLastMessageFile: flags.outputLastMessage,
    oss: flags.oss === true,
    localProvider: flags.localProvider,
    trust: flags.trust === true,
    worktree: flags.worktree === true,
    color: flags.color ?? 'auto',
  };
}
