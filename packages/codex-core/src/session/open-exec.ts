import { readCaCertificateFromEnv } from '@codex-ts/api';
import { HttpTransport, monotonicMs, SecretRedactor } from '@codex-ts/client';
import { resolveCodexHome } from '@codex-ts/login';
import { SessionTelemetry } from '@codex-ts/otel';
import { v7 as uuidv7 } from 'uuid';
import { ModelClient } from '../client/model-client.js';
import { EXEC_BETA_FEATURES } from '../client/request-builder.js';
import { defaultCompactionImplementation } from '../compaction/strategy.js';
import { type Config, loadConfig } from '../config/load-config.js';
import {
  isOfferedBuiltInProviderId,
  type ResolvedProvider,
  resolveModelProvider,
} from '../config/providers.js';
import { Conversation } from '../conversation/conversation.js';
import { getOrCreateInstallationId } from '../identity/installation-id.js';
import { buildUserAgent, EXEC_ORIGINATOR, resolveOriginator } from '../identity/user-agent.js';
import type { SessionIdentity } from '../metadata/turn-metadata.js';
import type { RolloutTurnSettings } from '../rollout/rollout-recorder.js';
import { startThread } from '../rollout/thread-recording.js';
import { execApprovalPolicy } from '../sandbox/approval.js';
import { type ExecPolicy, loadExecPolicy } from '../sandbox/exec-policy.js';
import { createCommandSandbox } from '../sandbox/sandbox.js';
import { createCodeModeTools } from '../tools/code-mode/code-mode-tools.js';
import { ToolRegistry } from '../tools/registry.js';
import type { ToolHandler } from '../tools/tool-handler.js';
import { resolveSessionAuth, type SessionAuth } from './auth.js';
import { ChatgptBackend } from './chatgpt.js';
import { registerEnvCredentials, registerProviderCredentials } from './credentials.js';
import { createExecToolSet, type ExecToolSet, execSandboxPolicy } from './exec-tools.js';
import { type ModelSettings, modelSettingsFor } from './model-choice.js';
import type { OpenExecOptions, OpenedExecConversation } from './open-exec-options.js';
import { commandAuthModelsCatalog, providerCommandAuth } from './provider-auth.js';
import { authEnvInfo, recordSessionStart, telemetryAuthMode } from './session-start-telemetry.js';
import { systemTimeZone } from './time-zone.js';

/** Base instructions codex-ts sends as the first developer message when the caller gives none. */
export const DEFAULT_BASE_INSTRUCTIONS =
  'You are codex-ts, a coding agent that works in the user\u2019s terminal. Be concise, precise and honest; ' +
  'say so when you are unsure, and prefer small, verifiable steps.';

/**
 * Builds everything `codex exec` needs from `$CODEX_HOME` and the environment, the way the
 * original does: loads config.toml (+ `-c` overrides), resolves the model provider and its
 * credentials (provider `env_key`, then `experimental_bearer_token`, then `CODEX_API_KEY`, then
 * `auth.json`: API-key mode as a key, ChatGPT mode as an `AuthManager`; see below),
 * the persisted installation id, a fresh thread id (UUID v7), `originator` and `User-Agent`.
 * When the provider `supports_websockets` (the built-in `openai` does) the client uses
 * Responses over WebSocket and the startup prewarm starts at once. Telemetry
 * (`@codex-ts/otel`, see {@link OpenExecOptions.telemetry}) is wired into the client: HTTP and
 * SSE hooks, WebSocket connect/request/event records, continuation and fallback counters, turn
 * retries, the user prompt, and the W3C trace context of the active span in each WebSocket
 * request's `client_metadata`.
 *
 * ChatGPT login (auth.json in ChatGPT mode, or `forced_login_method = "chatgpt"`; login
 * restrictions enforced here, "… Logging out."): with the built-in `openai` provider the session
 * uses the ChatGPT Codex backend (observed-cli-0.169-auth §1–§8): the models catalog is fetched
 * at start (`models_cache.json`, refetched on `x-models-etag`), workspace routing discovery
 * (`{chatgpt_base_url}wham/accounts/check`) runs before the first request and again whenever the
 * access token changed (after a proactive or 401-recovery refresh, before the resend), its entry
 * goes to `AuthManager.setWorkspaceAccount` and its routing override into every request;
 * `POST /responses` bodies are zstd. A discovery failure is the retryable `auth_transient`
 * "workspace routing discovery failed" (also for an `http://` `chatgpt_base_url`, which the
 * original refuses) or a permanent `auth` error with the original's text.
 *
 * TLS: `CODEX_CA_CERTIFICATE` (else `SSL_CERT_FILE`) is trusted by the one `HttpTransport` of
 * the session (model, discovery, models, refresh requests) and by the WebSocket handshakes;
 * `CODEX_REFRESH_TOKEN_URL_OVERRIDE` moves the token endpoint.
 *
 * Credentials: one `SecretRedactor` (`options.redactor`, else `options.telemetry.redactor`, else
 * a new one) is shared by the client, the telemetry and the caller. Every credential is registered
 * as soon as it is known: `CODEX_API_KEY` and `OPENAI_API_KEY` from `env` first; after the config,
 * the provider's `env_key` value, `experimental_bearer_token` and credential-named header / query
 * values; then the resolved auth header values (`Bearer <key>` and the key), or every token the
 * `AuthManager` loads or receives. The clients add whatever else they send. Every error this function throws, and every error of the session's
 * requests, is redacted with it (`***`), and so is each of the returned `config.warnings`.
 *
 * A provider `env_key` variable that is unset or blank does not stop the open: the session
 * starts (thread id, rollout) and every request fails with the non-retried `auth` ApiError
 * "Missing environment variable: `NAME`." before anything is sent, as 0.169.0 failed the turn.
 *
 * @throws ConfigError for a bad config.toml or override; LoginError / AuthFileError when
 *   other credentials are missing, `auth.json` is unreadable or a login restriction logged the user
 *   out (`login_restricted`); CaCertificateError for an unusable `CODEX_CA_CERTIFICATE`; Error
 *   `approval_policy = "untrusted" is no longer supported; remove this setting` (0.169.0's load
 *   error, `UNTRUSTED_APPROVAL_POLICY_ERROR`) for `approval_policy = "untrusted"` in config.toml,
 *   `-c` or `approvalPolicy`, before any request. Messages never contain secrets.
 */
export async function openExecConversation(options: OpenExecOptions): Promise<OpenedExecConversation> {
  const redactor = options.redactor ?? options.telemetry?.redactor ?? new SecretRedactor();
  registerEnvCredentials(redactor, options.env ?? process.env);
  try {
    return await openWith(options, redactor);
  } catch (error) {
    throw redactor.redactError(error);
  }
}

async function openWith(options: OpenExecOptions, redactor: SecretRedactor): Promise<OpenedExecConversation> {
  const openStartedAt = monotonicMs();
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const codexHome = resolveCodexHome(env);
  const loaded =
    options.config ??
    (await loadConfig({
      codexHome,
      overrides: options.configOverrides,
      env,
      cwd,
      profile: options.profile,
      strictConfig: options.strictConfig,
      ignoreUserConfig: options.ignoreUserConfig,
    }));
  // `exec` cannot ask for approval: `never` (`untrusted` is the original's load error).
  const approvalPolicy = execApprovalPolicy(options.approvalPolicy ?? loaded.approvalPolicy);
  // The exec policy is read at start-up: a bad rules file fails before any request (0.169.0).
  const execPolicy = options.ignoreRules ? undefined : await loadExecPolicy(codexHome);
  let provider = resolveModelProvider(loaded, { version: options.version, env });
  const info = provider.info;
  registerProviderCredentials(redactor, info, env);
  // A warning names unrecognized keys, which may be a pasted credential (`-c sk-…=1`).
  const config: Config = { ...loaded, warnings: loaded.warnings.map((w) => redactor.redact(w)) };

  const originator = resolveOriginator(options.originator ?? EXEC_ORIGINATOR, env);
  const bareUserAgent = buildUserAgent({ originator, version: options.version, env });
  const userAgent = buildUserAgent({
    originator,
    version: options.version,
    suffix: `${originator}; ${options.version}`,
    env,
  });
  // CODEX_CA_CERTIFICATE (else SSL_CERT_FILE): one transport for every HTTP request of the
  // session (model, discovery, models, refresh) and the same CA for the WebSocket.
  const ca = readCaCertificateFromEnv(env)?.pem;
  const ownsTransport = options.transport === undefined;
  const transport = options.transport ?? new HttpTransport(ca === undefined ? undefined : { ca });
  try {
    // `[model_providers.<id>.auth]`: the command's token (run on first use, rerun after a 401).
    const commandAuth = providerCommandAuth(info, { cwd, env, redactor, log: options.authLog });
    const session: SessionAuth = commandAuth
      ? { kind: 'command', auth: commandAuth }
      : await resolveSessionAuth({
          codexHome,
          env,
          info,
          config,
          originator,
          bareUserAgent,
          transport,
          redactor,
          log: options.authLog,
        });
    if (session.kind === 'chatgpt')
      provider = resolveModelProvider(config, { version: options.version, env, chatgptAuth: true });
    // (A command runs on the first request, not here.)
    else if (session.kind !== 'command' && session.kind !== 'missing')
      for (const value of Object.values(await session.auth.authHeaders())) redactor.addCredential(value);
    return await build(
      options,
      {
        env,
        cwd,
        codexHome,
        config,
        provider,
        originator,
        userAgent,
        bareUserAgent,
        approvalPolicy,
        execPolicy,
        openStartedAt,
      },
      {
        session,
        transport,
        ownsTransport,
        ca,
        redactor,
      },
    );
  } catch (error) {
    if (ownsTransport) await transport.close();
    throw error;
  }
}

interface SessionBasics {
  env: NodeJS.ProcessEnv;
  cwd: string;
  codexHome: string;
  config: Config;
  provider: ResolvedProvider;
  originator: string;
  userAgent: string;
  bareUserAgent: string;
  approvalPolicy: 'never';
  /** The exec policy of `$CODEX_HOME/rules` (none with `ignoreRules` or without rules files). */
  execPolicy: ExecPolicy | undefined;
  /** `monotonicMs()` when the open started (`thread_start_total`). */
  openStartedAt: number;
}

async function build(
  options: OpenExecOptions,
  basics: SessionBasics,
  wiring: {
    session: SessionAuth;
    transport: HttpTransport;
    ownsTransport: boolean;
    ca: string | undefined;
    redactor: SecretRedactor;
  },
): Promise<OpenedExecConversation> {
  const {
    env,
    cwd,
    codexHome,
    config,
    provider,
    originator,
    userAgent,
    approvalPolicy,
    execPolicy,
    openStartedAt,
  } = basics;
  const { session, transport, ownsTransport, ca, redactor } = wiring;

  const backend =
    session.kind === 'chatgpt' && provider.usesCodexBackend
      ? new ChatgptBackend({
          manager: session.auth,
          codexHome,
          chatgptBaseUrl: config.chatgptBaseUrl,
          codexBaseUrl: provider.provider.baseUrl,
          version: options.version,
          originator,
          userAgent,
          bareUserAgent: basics.bareUserAgent,
          transport,
          redactor,
        })
      : undefined;

  let turnSettings: RolloutTurnSettings | undefined;
  const firstContextWindowId = uuidv7();
  const thread = await startThread({
    codexHome,
    contextWindowId: firstContextWindowId,
    cwd,
    resume: options.resume,
    ephemeral: options.ephemeral === true,
    baseInstructions: options.baseInstructions ?? DEFAULT_BASE_INSTRUCTIONS,
    originator,
    cliVersion: options.version,
    modelProvider: provider.id,
    threadSource: options.threadSource,
    isProviderConfigured: (id) => isOfferedBuiltInProviderId(id) || Object.hasOwn(config.modelProviders, id),
    settings: () => turnSettings as RolloutTurnSettings,
  });
  const installationId = await getOrCreateInstallationId(codexHome);
  const threadId = thread.threadId;
  const sandboxPolicy = execSandboxPolicy(config, cwd, options);
  // The session cwd is the writable one (not a command's workdir); bwrap is looked up in `env`.
  const sandbox = createCommandSandbox(sandboxPolicy, { cwd, detectionEnv: env });
  // The default tools (exec_command, write_stdin, apply_patch) run commands under the session's sandbox.
  const toolSet: ExecToolSet | undefined =
    options.tools === undefined
      ? createExecToolSet({ sandbox, cwd, env, threadId, approvalPolicy, execPolicy })
      : undefined;
  const identity: SessionIdentity = {
    installationId,
    sessionId: threadId,
    threadId,
    // A resumed thread goes on in the context window it was last in (0.169.0).
    contextWindowId: thread.contextWindow?.contextWindowId ?? firstContextWindowId,
    windowNumber: thread.contextWindow?.windowNumber ?? 0,
    historyInitialization: thread.historyInitialization,
    sandbox: sandbox.tag,
    sandboxMode: sandboxPolicy.mode,
    ...(thread.threadSource === undefined ? {} : { threadSource: thread.threadSource }),
    ...(options.autoReview ? { autoReviewEnabled: true } : {}),
  };
  // With command auth the original fetches the provider's `/models` catalog (never with `env_key`).
  const models =
    session.kind === 'command'
      ? commandAuthModelsCatalog({
          baseUrl: provider.provider.baseUrl,
          auth: session.auth,
          codexHome,
          version: options.version,
          originator,
          userAgent,
          redactor,
          transport,
        })
      : undefined;
  // The catalog decides the default model and the request shape. In ChatGPT mode its start fetch
  // (or fresh cache) is awaited: discovery, and so the first request, waited for it anyway. With
  // command auth it is not (the command's single run is shared with the first request, as
  // 0.169.0 did), so that session shapes requests from the bundled catalog.
  backend?.start();
  models?.start();
  if (backend) await backend.catalog.whenStarted();
  const { model, settings: modelSettings } = modelSettingsFor({
    model: options.model ?? config.model,
    config,
    remote: backend?.catalog.models,
    chatgpt: session.kind === 'chatgpt',
  });
  const createThreadStartedAt = monotonicMs();
  const telemetry =
    options.telemetry ??
    new SessionTelemetry({
      conversationId: threadId,
      model,
      authMode: telemetryAuthMode(session),
      originator,
      appVersion: options.version,
      terminalType: env.TERM || 'unknown',
      sessionSource: 'exec',
      logUserPrompt: config.otel.logUserPrompt,
      redactor,
      authEnv: authEnvInfo(env, provider.info.envKey),
    });
  const client = new ModelClient({
    provider: provider.provider,
    auth: backend?.auth ?? session.auth,
    identity,
    originator,
    userAgent,
    mcpAttribution: provider.id === 'openai',
    betaFeatures: EXEC_BETA_FEATURES,
    supportsWebsockets: provider.supportsWebsockets,
    transport,
    websocketCa: ca,
    ...(backend
      ? {
          chatgpt: backend.chatgpt,
          requestCompression: 'zstd' as const,
          onModelsEtag: (etag: string) => backend.catalog.observeEtag(etag),
        }
      : {}),
    telemetry,
    redactor,
  });
  // The rollout records the window a compaction moved to (the client keeps its own identity copy).
  thread.recorder?.trackContextWindow(() => client.options.identity);

  const lite = responsesLiteTools(modelSettings, options.tools ?? toolSet?.registry);
  turnSettings = {
    cwd,
    model,
    approvalPolicy,
    sandboxMode: sandboxPolicy.mode,
    effort: modelSettings.reasoningEffort,
    summary: modelSettings.reasoningSummary,
    contextWindow: modelSettings.contextWindow,
  };
  const conversation = new Conversation({
    client,
    model,
    baseInstructions: thread.baseInstructions,
    resumeHistory: thread.resumeHistory,
    recorder: thread.recorder,
    environmentContext: environmentContext(cwd, env),
    reasoning: { effort: modelSettings.reasoningEffort, summary: modelSettings.reasoningSummary },
    verbosity: modelSettings.verbosity,
    contextWindow: modelSettings.contextWindow,
    serviceTier: modelSettings.serviceTier,
    streamMaxRetries: provider.streamMaxRetries,
    autoCompactTokenLimit: modelSettings.autoCompactTokenLimit,
    contextTokens: thread.contextTokens,
    fallbackModelMetadata: modelSettings.info === undefined,
    compaction: defaultCompactionImplementation(provider.provider),
    tools: lite?.tools ?? options.tools ?? toolSet?.registry,
    ...(lite ? { responsesLite: { additionalTools: lite.additionalTools } } : {}),
    nodeReplAutoReviewRequired: modelSettings.nodeReplAutoReviewRequired,
    turnTrigger: 'exec',
    stampUserPrompt: provider.id === 'openai',
  });
  // 0.169.0 tags each `codex.tool.call` point with the session's sandbox.
  telemetry.setToolSandbox({ sandbox: sandbox.tag, sandboxPolicy: sandboxPolicy.mode });
  recordSessionStart(telemetry, {
    providerName: provider.id,
    reasoningEffort: modelSettings.reasoningEffort,
    reasoningSummary: modelSettings.reasoningSummary,
    contextWindow: modelSettings.contextWindow,
    autoCompactTokenLimit: modelSettings.autoCompactTokenLimit,
    approvalPolicy,
    sandboxPolicy: sandboxPolicy.mode,
    mcpServers: mcpServerNames(config),
    cwd,
    createThreadMs: monotonicMs() - createThreadStartedAt,
    totalMs: monotonicMs() - openStartedAt,
  });
  if (options.prewarm !== false) void conversation.prewarm();
  return {
    conversation,
    client,
    config,
    provider,
    model,
    modelSettings,
    sandboxPolicy,
    telemetry,
    redactor,
    rolloutPath: thread.rolloutPath,
    resumedUsage: thread.resumedUsage,
    ...(session.kind === 'chatgpt' ? { authManager: session.auth } : {}),
    ...(backend ? { modelsCatalog: backend.catalog } : models ? { modelsCatalog: models.catalog } : {}),
    close: async () => {
      // The rollout's `session_meta` and what follows it wait for git (see `startThread`).
      await thread.recorder?.writer.settled();
      await lite?.close();
      toolSet?.close();
      await models?.close();
      await client.close();
      await backend?.close();
      if (ownsTransport) await transport.close();
    },
  };
}

/**
 * The tools of a Responses-Lite model (`ModelSettings.responsesLite`), or undefined for others.
 * With `tool_mode = "code_mode_only"` (gpt-6.1-sol) the model gets the code-mode `exec` and `wait`
 * tools over the session's tools (`createCodeModeTools`); otherwise the session's tools go into the
 * `additional_tools` item as they are. Both under a `functions` namespace, as 0.169.0 sent them.
 */
function responsesLiteTools(
  settings: ModelSettings,
  tools: ToolHandler | undefined,
):
  | { tools: ToolHandler | undefined; additionalTools: () => unknown[]; close: () => Promise<void> }
  | undefined {
  if (!settings.responsesLite) return undefined;
  if (settings.codeModeOnly && tools instanceof ToolRegistry) {
    const codeMode = createCodeModeTools(tools);
    return {
      tools: new ToolRegistry([codeMode.exec, codeMode.wait]),
      additionalTools: codeMode.additionalTools,
      close: codeMode.close,
    };
  }
  return {
    tools,
    additionalTools: () => [
      { type: 'namespace', name: 'functions', description: '', tools: tools ? [...tools.specs] : [] },
    ],
    close: async () => {},
  };
}

/** The `[mcp_servers]` names of config.toml. */
function mcpServerNames(config: Config): string[] {
  const servers: unknown = config.toml.mcp_servers;
  return typeof servers === 'object' && servers !== null ? Object.keys(servers) : [];
}

/** The `<environment_context>` user message: working directory, shell, date and time zone. */
export function environmentContext(cwd: string, env: NodeJS.ProcessEnv, now = new Date()): string {
  const shell = (env.SHELL ?? 'bash').split('/').pop() || 'bash';
  const timezone = systemTimeZone();
  const date = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return [
    '<environment_context>',
    `  <cwd>${cwd}</cwd>`,
    `  <shell>${shell}</shell>`,
    `  <current_date>${date}</current_date>`,
    `  <timezone>${timezone}</timezone>`,
    '</environment_context>',
  ].join('\n');
}
