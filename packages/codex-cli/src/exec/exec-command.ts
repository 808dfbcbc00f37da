import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SecretRedactor } from '@codex-ts/client';
import { featureFlagOverrides, ioErrorText } from '@codex-ts/core';
import { type Command, Option } from 'commander';
import { configOption } from '../config-option.js';
import type { OutputSink } from '../output/jsonl-printer.js';
import { choiceOption, clapError, imageOption, listOption, profileOption, USAGE } from './exec-flags.js';
import { resolvePrompt } from './prompt-input.js';
import { type ExecOptions, runExec } from './run-exec.js';
import { registerExecSubcommands } from './subcommands.js';

/** What `exec` needs from the process (see `MainIo`). */
export interface ExecCommandDeps {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: OutputSink;
  stderr: OutputSink;
  stdinIsTty: boolean;
  readStdinBytes(): Promise<Uint8Array>;
  signal?: AbortSignal | undefined;
  redactor: SecretRedactor;
  setExitCode(code: number): void;
  /** Adds `exec resume` to the `exec` command (in the original's subcommand order). */
  registerResume?: ((exec: Command) => void) | undefined;
}

interface ExecFlags {
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
 * Registers `codex-ts exec` with every option of `codex exec` 0.169.0 (same names, value
 * checks and clap-style usage errors, exit 2) and its subcommands (see
 * `registerExecSubcommands`). The action resolves the prompt (see `resolvePrompt`), `-C`,
 * `--enable/--disable` (unknown name: "Error: Unknown feature flag: <name>", exit 1) and hands
 * everything to `runExec`.
 */
export function registerExecCommand(program: Command, deps: ExecCommandDeps): Command {
  const { stderr } = deps;
  const exec = program
    .command('exec')
    .description('Run Codex non-interactively')
    .argument(
      '[PROMPT]',
      'Initial instructions for the agent. If not provided as an argument (or if `-` is used), instructions are read from stdin. If stdin is piped and a prompt is also provided, stdin is appended as a `<stdin>` block',
    )
    .addOption(configOption())
    .addOption(
      listOption(
        '--enable <FEATURE>',
        'Enable a feature (repeatable). Equivalent to `-c features.<name>=true`',
      ),
    )
    .addOption(
      listOption(
        '--disable <FEATURE>',
        'Disable a feature (repeatable). Equivalent to `-c features.<name>=false`',
      ),
    )
    .option(
      '--strict-config',
      'Error out when config.toml contains fields that are not recognized by this version of Codex',
    )
    .addOption(imageOption())
    .option('-m, --model <MODEL>', 'Model the agent should use')
    .option('--oss', 'Use open-source provider')
    .option('--local-provider <OSS_PROVIDER>', 'Specify which local provider to use (lmstudio or ollama)')
    .addOption(profileOption(stderr))
    .addOption(
      choiceOption(
        '-s, --sandbox <SANDBOX_MODE>',
        '--sandbox <SANDBOX_MODE>',
        'Select the sandbox policy to use when executing model-generated shell commands',
        SANDBOX_MODES,
        stderr,
      ),
    )
    .option(
      '--approve-for-me',
      'Route approval requests through automatic review using the workspace-write sandbox',
    )
    .option(
      '--dangerously-bypass-approvals-and-sandbox',
      'Skip all confirmation prompts and execute commands without sandboxing',
    )
    .addOption(new Option('--yolo').hideHelp())
    .option(
      '--dangerously-bypass-hook-trust',
      'Run enabled hooks without requiring persisted hook trust for this invocation',
    )
    .option('-C, --cd <DIR>', 'Tell the agent to use the specified directory as its working root')
    .option('--worktree', 'Run the session in a new managed Git worktree')
    .addOption(
      listOption(
        '--add-dir <DIR>',
        'Additional directories that should be writable alongside the primary workspace',
      ),
    )
    .option('--thread-source <SOURCE>', 'Source classification for newly created or forked threads')
    .addOption(
      choiceOption(
        '--cyber-access-program <PROGRAM>',
        '--cyber-access-program <PROGRAM>',
        'Request an experimental Cyber access program for this turn (OpenAI provider only)',
        ['standard', 'daybreak_blue', 'daybreak_red'],
        stderr,
      ),
    )
    .option('--skip-git-repo-check', 'Allow running Codex outside a Git repository')
    .option('--trust', 'Save trust for this project and future chats')
    .option('--ephemeral', 'Run without persisting session files to disk')
    .option('--ignore-user-config', 'Do not load `$CODEX_HOME/config.toml`; auth still uses `CODEX_HOME`')
    .option('--ignore-rules', 'Do not load user or project execpolicy `.rules` files')
    .option(
      '--output-schema <FILE>',
      "Path to a JSON Schema file describing the model's final response shape",
    )
    .addOption(
      choiceOption(
        '--color <COLOR>',
        '--color <COLOR>',
        'Specifies color settings for use in the output',
        ['always', 'never', 'auto'],
        stderr,
      ),
    )
    .option('--json', 'Print events to stdout as JSONL')
    .option(
      '-o, --output-last-message <FILE>',
      'Specifies file where the last message from the agent should be written',
    )
    .action(async (promptArg: string | undefined, flags: ExecFlags & { yolo?: boolean }) => {
      deps.setExitCode(await runExecAction(promptArg, flags, deps));
    });
  registerExecSubcommands(exec, {
    stderr,
    setExitCode: deps.setExitCode,
    registerResume: deps.registerResume,
  });
  exec.helpCommand('help [COMMAND]', 'Print this message or the help of the given subcommand(s)');
  return exec;
}

async function runExecAction(
  promptArg: string | undefined,
  flags: ExecFlags & { yolo?: boolean },
  deps: ExecCommandDeps,
): Promise<number> {
  const { stderr } = deps;
  const bypass = flags.dangerouslyBypassApprovalsAndSandbox === true || flags.yolo === true;
  if (flags.approveForMe) {
    const other = bypass
      ? '--dangerously-bypass-approvals-and-sandbox'
      : flags.sandbox !== undefined
        ? '--sandbox <SANDBOX_MODE>'
        : undefined;
    if (other !== undefined)
      clapError(stderr, `the argument '--approve-for-me' cannot be used with '${other}'${USAGE}`);
  }
  let featureOverrides: string[];
  try {
    featureOverrides = featureFlagOverrides(flags.enable, flags.disable);
  } catch (error) {
    stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  }
  let cwd = deps.cwd;
  if (flags.cd !== undefined) {
    try {
      cwd = await realpath(resolve(deps.cwd, flags.cd));
    } catch (error) {
      stderr.write(`Error: ${ioErrorText(error)}\n`);
      return 1;
    }
  }
  const options: ExecOptions = {
    // Read after the config has loaded, as 0.169.0 (see `runExec`).
    prompt: () =>
      resolvePrompt({
        prompt: promptArg,
        stdinIsTty: deps.stdinIsTty,
        readStdinBytes: () => deps.readStdinBytes(),
        stderr,
      }),
    json: flags.json === true,
    model: flags.model,
    configOverrides: [...flags.config, ...featureOverrides],
    env: deps.env,
    cwd,
    stdout: deps.stdout,
    stderr,
    signal: deps.signal,
    redactor: deps.redactor,
    images: flags.image,
    profile: flags.profile,
    strictConfig: flags.strictConfig === true,
    ignoreUserConfig: flags.ignoreUserConfig === true,
    ephemeral: flags.ephemeral === true,
    threadSource: flags.threadSource,
    sandboxMode: flags.approveForMe && flags.sandbox === undefined ? 'workspace-write' : flags.sandbox,
    approveForMe: flags.approveForMe === true,
    additionalWritableRoots: flags.addDir,
    dangerouslyBypassApprovalsAndSandbox: bypass,
    skipGitRepoCheck: flags.skipGitRepoCheck === true,
    outputSchemaFile: flags.outputSchema,
    outputLastMessageFile: flags.outputLastMessage,
    oss: flags.oss === true,
    localProvider: flags.localProvider,
    trust: flags.trust === true,
    worktree: flags.worktree === true,
    color: flags.color ?? 'auto',
  };
  return runExec(options);
}
