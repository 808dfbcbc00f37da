import { SecretRedactor } from '@codex-ts/client';
import {
  buildUserTurnInput,
  type Config,
  ensureOssProviderReady,
  execApprovalPolicy,
  loadConfig,
  OSS_DEFAULT_MODELS,
  type OtelConfig,
  openExecConversation,
  type ResumeTarget,
  type TurnEvent,
} from '@codex-ts/core';
import { resolveCodexHome } from '@codex-ts/login';
import { addTokenUsage, isAssistantMessage, messageText } from '@codex-ts/protocol';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { HumanPrinter } from '../output/human-printer.js';
import { sandboxSummary } from '../output/human-summary.js';
import { JsonlPrinter, type OutputSink } from '../output/jsonl-printer.js';
import { CLI_VERSION } from '../version.js';
import {
  checkLastMessageFile,
  ExecExit,
  ExecSetupError,
  gitRepoRoot,
  loadOutputSchema,
  NOT_TRUSTED_TEXT,
  trustProject,
  writeLastMessage,
} from './exec-setup.js';
import { startExecTelemetry } from './exec-telemetry.js';
import { PromptInputError } from './prompt-input.js';

/** Options of one `codex-ts exec` run (already parsed from the command line). */
export interface ExecOptions {
  /**
   * The prompt, or how to read it (see `resolvePrompt`): a function is called once the config
   * has loaded and `--oss` is ready, before the other checks, where 0.169.0 reads stdin; a
   * `PromptInputError` it throws is printed and the run exits 1.
   */
  prompt: string | (() => Promise<string>);
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
  /** `-i`: local images attached to the prompt (see `buildUserTurnInput`). */
  images?: readonly string[] | undefined;
  /** `-p`: the profile file to layer (see `loadConfig`). */
  profile?: string | undefined;
  /** `--strict-config`. */
  strictConfig?: boolean | undefined;
  /** `--ignore-user-config`. */
  ignoreUserConfig?: boolean | undefined;
  /** `--ignore-rules`: no exec policy (`$CODEX_HOME/rules`). */
  ignoreRules?: boolean | undefined;
  /** `--ephemeral`: nothing of the session is persisted. */
  ephemeral?: boolean | undefined;
  /** `--thread-source`: the turn metadata's `thread_source`. */
  threadSource?: string | undefined;
  /** `-s` (or `workspace-write` from `--approve-for-me`). */
  sandboxMode?: 'read-only' | 'workspace-write' | 'danger-full-access' | undefined;
  /** `--approve-for-me`: turn metadata `auto_review_enabled: true`. */
  approveForMe?: boolean | undefined;
  /** `--add-dir`. */
  additionalWritableRoots?: readonly string[] | undefined;
  /** `--dangerously-bypass-approvals-and-sandbox` / `--yolo` (also skips the git check). */
  dangerouslyBypassApprovalsAndSandbox?: boolean | undefined;
  /** `--skip-git-repo-check`. */
  skipGitRepoCheck?: boolean | undefined;
  /** `--output-schema <FILE>`. */
  outputSchemaFile?: string | undefined;
  /** `-o <FILE>`. */
  outputLastMessageFile?: string | undefined;
  /** `--oss` (with `--local-provider`, else `oss_provider` of config.toml). */
  oss?: boolean | undefined;
  /** `--local-provider` (`lmstudio` or `ollama`): the provider `--oss` uses. */
  localProvider?: string | undefined;
  /** `--trust`: record the git root as trusted in config.toml. */
  trust?: boolean | undefined;
  /** `--worktree`: refused (codex-ts does not create managed worktrees). */
  worktree?: boolean | undefined;
  /** `--color` (`auto` by default): ANSI styles in the human output (see `HumanPrinter`). */
  color?: 'always' | 'never' | 'auto' | undefined;
  /** `exec resume`: the thread to continue (see `OpenExecOptions.resume`). */
  resume?: ResumeTarget | undefined;
}

/**
 * Runs one `exec` turn and prints it. Resolves to the process exit code: 0 when the turn
 * completed, 1 when it failed (a `turn.failed` line in JSON mode, `ERROR: …` on stderr in
 * human mode) or could not start (bad config, missing credentials: the message on stderr).
 *
 * Before the session, in 0.169.0's order and with its texts: the config must load (its errors,
 * `approval_policy = "untrusted"` included, come before stdin is read), `--oss` picks and checks
 * the local provider (see `ensureOssProviderReady`), the prompt is read (`options.prompt`),
 * `--output-schema` must load, outside a git repository (see `gitRepoRoot`) the run stops with
 * "Not inside a trusted directory and --skip-git-repo-check was not specified." unless
 * `--skip-git-repo-check` or the sandbox bypass is given, and then `-o` must be writable. After `thread.started` each config warning (`Config.warnings`)
 * is printed twice, as 0.169.0 does (an `error` item in JSON mode, `warning: …` otherwise).
 * On `turn.completed`, `-o` receives the last agent message (see `writeLastMessage`; a failed
 * write prints its error and exits 1, as 0.169.0).
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
  let setup: Setup;
  try {
    setup = await prepare(options);
  } catch (error) {
    if (error instanceof ExecExit) return error.code;
    if (error instanceof ExecSetupError || error instanceof PromptInputError) {
      stderr.write(`${error.message}\n`);
      return 1;
    }
    stderr.write(startupErrorText(error));
    return 1;
  }
  const telemetry = await startExecTelemetry(setup.otel, { env: options.env, redactor, stderr });
  if (telemetry === undefined) return runSession(options, setup, redactor, stdout, stderr, undefined);
  try {
    return await telemetry.inRootSpan(async (span) => {
      const code = await runSession(options, setup, redactor, stdout, stderr, span);
      if (code !== 0) span?.setStatus({ code: SpanStatusCode.ERROR });
      return code;
    });
  } finally {
    await telemetry.shutdown();
  }
}

/** The session and its turn, after the checks; `span` is the root span `codex.exec` when traced. */
async function runSession(
  options: ExecOptions,
  setup: Setup,
  redactor: SecretRedactor,
  stdout: OutputSink,
  stderr: OutputSink,
  span: Span | undefined,
): Promise<number> {
  let opened: Awaited<ReturnType<typeof openExecConversation>>;
  try {
    opened = await openExecConversation({
      env: options.env,
      cwd: options.cwd,
      configOverrides: setup.configOverrides,
      config: setup.config,
      version: CLI_VERSION,
      redactor,
      // The original's tracing line on stderr (observed-cli-0.169-auth §8); the text is redacted.
      authLog: (level, message) =>
        stderr.write(`${level.toUpperCase().padStart(5)} codex_login::auth::manager: ${message}\n`),
      ...(setup.model ? { model: setup.model } : {}),
      profile: options.profile,
      strictConfig: options.strictConfig,
      ignoreUserConfig: options.ignoreUserConfig,
      ignoreRules: options.ignoreRules,
      ephemeral: options.ephemeral,
      threadSource: options.threadSource,
      autoReview: options.approveForMe,
      sandboxMode: options.sandboxMode,
      additionalWritableRoots: options.additionalWritableRoots,
      dangerouslyBypassApprovalsAndSandbox: options.dangerouslyBypassApprovalsAndSandbox,
      ...(options.resume ? { resume: options.resume } : {}),
    });
  } catch (error) {
    stderr.write(startupErrorText(error));
    return 1;
  }
  const { conversation } = opened;
  span?.setAttribute('thread.id', conversation.threadId);
  const json = options.json ? new JsonlPrinter(stdout) : undefined;
  const human = options.json
    ? undefined
    : new HumanPrinter(stdout, stderr, {
        cwd: options.cwd,
        color: colorEnabled(options),
        priorUsage: opened.resumedUsage,
      });
  json?.threadStarted(conversation.threadId);
  human?.header(
    {
      version: CLI_VERSION,
      cwd: options.cwd,
      model: opened.model,
      provider: opened.provider.id,
      approval: 'never',
      sandbox: sandboxSummary(opened.sandboxPolicy),
      reasoningEffort: opened.config.modelReasoningEffort,
      reasoningSummary: opened.config.modelReasoningSummary,
      sessionId: conversation.threadId,
    },
    setup.prompt,
  );
  let exitCode = 1;
  let lastMessage: string | undefined;
  try {
    if (options.trust) await trustProject(opened.config.configFile, options.cwd).catch(() => undefined);
    for (const warning of opened.config.warnings) {
      for (let i = 0; i < 2; i++) {
        json?.warning(warning);
        human?.handle({ type: 'warning', message: warning });
      }
    }
    const input = options.images?.length
      ? await buildUserTurnInput({ text: setup.prompt, images: options.images }, options.cwd)
      : setup.prompt;
    for await (const event of conversation.runTurn(input, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(setup.outputSchema === undefined ? {} : { outputSchema: setup.outputSchema }),
    })) {
      // A resumed thread's usage before this process counts too (0.169.0 prints the thread total).
      const shown: TurnEvent =
        event.type === 'turn.completed' && opened.resumedUsage
          ? { ...event, usage: addTokenUsage(opened.resumedUsage, event.usage) }
          : event;
      if (event.type === 'turn.started') span?.setAttribute('turn.id', event.turnId);
      json?.handle(shown);
      human?.handle(shown);
      // A message without text (only a refusal) is no agent message for `-o` (0.169.0).
      if (event.type === 'item.completed' && isAssistantMessage(event.item))
        lastMessage = messageText(event.item) || lastMessage;
      if (event.type === 'turn.completed') {
        exitCode = 0;
        if (options.outputLastMessageFile !== undefined) {
          try {
            await writeLastMessage(options.outputLastMessageFile, lastMessage, stderr);
          } catch (error) {
            if (!(error instanceof ExecSetupError)) throw error;
            stderr.write(`${error.message}\n`);
            exitCode = 1;
          }
        }
      }
    }
    human?.finish();
  } finally {
    await opened.close();
  }
  return exitCode;
}

/**
 * Whether the human output is colored: `--color always`, or `auto` (the default) when stderr is
 * a terminal and `NO_COLOR` is not set; never with `--color never`.
 */
function colorEnabled(options: ExecOptions): boolean {
  if (options.color === 'always') return true;
  if (options.color === 'never') return false;
  if (options.env.NO_COLOR !== undefined && options.env.NO_COLOR !== '') return false;
  return options.stderr.isTTY === true;
}

/** A start-up error line: the original's loader errors as they are ("Error loading config.toml: …", "Error loading rules:\n…"). */
function startupErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith('Error loading config.toml') || message.startsWith('Error loading rules:')
    ? `${message}\n`
    : `Error: ${message}\n`;
}

interface Setup {
  prompt: string;
  /** `[otel]` of the loaded config: whether and where telemetry is exported. */
  otel: OtelConfig;
  configOverrides: string[];
  model: string | undefined;
  outputSchema: unknown;
  /** The config loaded by the checks, for the session (undefined when `--oss` changed the overrides). */
  config: Config | undefined;
}

/** The checks before the session (see {@link runExec}); throws the error to print. */
async function prepare(options: ExecOptions): Promise<Setup> {
  let configOverrides = [...options.configOverrides];
  let model = options.model;
  // Loaded before stdin is read, so that its errors come first, as in 0.169.0; the session takes
  // it over (read once, as the original) unless `--oss` adds an override below.
  const config = await loadConfig({
    codexHome: resolveCodexHome(options.env),
    overrides: configOverrides,
    env: options.env,
    cwd: options.cwd,
    profile: options.profile,
    strictConfig: options.strictConfig,
    ignoreUserConfig: options.ignoreUserConfig,
  });
  execApprovalPolicy(config.approvalPolicy); // `untrusted` is a load error in 0.169.0
  if (options.oss) {
    const providerId = options.localProvider ?? config.ossProvider;
    if (providerId === undefined)
      throw new Error(
        'No default OSS provider configured. Use --local-provider=provider or set oss_provider to one of: lmstudio, ollama in config.toml',
      );
    const defaultModel = OSS_DEFAULT_MODELS[providerId];
    if (defaultModel === undefined) throw new Error(`Model provider \`${providerId}\` not found`);
    model ??= defaultModel;
    configOverrides = [...configOverrides, `model_provider=${providerId}`];
    await ensureOssProviderReady(providerId, { env: options.env, version: CLI_VERSION, model });
  }
  const prompt = typeof options.prompt === 'string' ? options.prompt : await options.prompt();
  const outputSchema =
    options.outputSchemaFile === undefined ? undefined : await loadOutputSchema(options.outputSchemaFile);
  const inRepo = (await gitRepoRoot(options.cwd)) !== undefined;
  if (options.worktree) {
    if (!inRepo)
      throw new Error(
        'git command failed: fatal: not a git repository (or any of the parent directories): .git',
      );
    throw new Error('`--worktree` is not supported by codex-ts yet');
  }
  if (!options.skipGitRepoCheck && !options.dangerouslyBypassApprovalsAndSandbox && !inRepo)
    throw new ExecSetupError(NOT_TRUSTED_TEXT);
  if (options.outputLastMessageFile !== undefined) await checkLastMessageFile(options.outputLastMessageFile);
  return {
    prompt,
    configOverrides,
    model,
    outputSchema,
    otel: config.otel,
    config: options.oss ? undefined : config,
  };
}
