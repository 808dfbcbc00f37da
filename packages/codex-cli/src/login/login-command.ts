import type { SecretRedactor } from '@codex-ts/client';
import { buildUserAgent, type Config, loadConfig } from '@codex-ts/core';
import {
  LoginFlowError,
  loginStatus,
  loginWithApiKey,
  loginWithDeviceCode,
  logout,
  resolveCodexHome,
  startBrowserLogin,
} from '@codex-ts/login';
import { type Command, Option } from 'commander';
import { configOption } from '../config-option.js';
import type { OutputSink } from '../output/jsonl-printer.js';
import { CLI_VERSION } from '../version.js';
import { openBrowser } from './open-browser.js';
import { browserStartText, devicePromptText, Texts } from './texts.js';

/**
 * Test knob (codex-ts only): `CODEX_LOGIN_CALLBACK_PORTS=<primary>,<fallback>` replaces the callback
 * ports 1455,1457 of the browser flow, so loopback tests never touch the real ports.
 */
export const LOGIN_CALLBACK_PORTS_ENV = 'CODEX_LOGIN_CALLBACK_PORTS';

/** What the login commands need from the process. */
export interface LoginIo {
  env: NodeJS.ProcessEnv;
  stdout: OutputSink;
  stderr: OutputSink;
  readStdin(): Promise<string>;
  signal?: AbortSignal | undefined;
  redactor: SecretRedactor;
  setExitCode(code: number): void;
}

const ORIGINATOR = 'codex_cli_rs';

interface LoginOpts {
  withApiKey?: boolean;
  deviceAuth?: boolean;
  experimental_issuer?: string;
  experimental_clientId?: string;
  apiKey?: string;
  config: string[];
}

/**
 * Adds `login` (browser PKCE, `--device-auth`, `--with-api-key`; hidden `--experimental_issuer`,
 * `--experimental_client-id`, refused `--api-key`), `login status` and `logout` to `program`, with
 * the texts (stderr; the device prompt on stdout) and exit codes of 0.169.0.
 */
export function registerLoginCommands(program: Command, io: LoginIo): void {
  const err = (line: string) => io.stderr.write(io.redactor.redact(`${line}\n`));
  const login = program
    .command('login')
    .description('Sign in with ChatGPT (browser or device code) or store an API key.')
    .option('--with-api-key', 'read an API key from stdin and store it')
    .option('--device-auth', 'sign in with a device code instead of the browser')
    .addOption(
      new Option(
        '--experimental_issuer <url>',
        'EXPERIMENTAL: Use custom OAuth issuer base URL (advanced)',
      ).hideHelp(),
    )
    .addOption(
      new Option(
        '--experimental_client-id <id>',
        'EXPERIMENTAL: Use custom OAuth client ID (advanced)',
      ).hideHelp(),
    )
    .addOption(new Option('--api-key <key>').hideHelp())
    .addOption(configOption())
    .action(async (opts: LoginOpts) => {
      if (opts.apiKey !== undefined) {
        io.redactor.add(opts.apiKey);
        err(Texts.apiKeyFlagRemoved);
        io.setExitCode(1);
        return;
      }
      io.setExitCode(await runLogin(opts, io, err));
    });
  login
    .command('status')
    .description('Show the stored login.')
    .addOption(configOption())
    .action(async (opts: { config: string[] }, cmd: Command) => {
      const config = await configOrExit(
        [...(cmd.parent?.opts<LoginOpts>().config ?? []), ...opts.config],
        io,
        err,
      );
      if (!config) return;
      const status = await loginStatus(config.codexHome, config.restrictions).catch((error: unknown) => {
        err(`Error checking login status: ${messageOf(error)}`);
        return undefined;
      });
      if (status === undefined) return io.setExitCode(1);
      if (status.kind === 'none') {
        err(Texts.notLoggedIn);
        return io.setExitCode(1);
      }
      if (status.kind === 'apikey') {
        err(`API key configured - ${status.maskedKey}`);
        err(Texts.checkedOnRequest);
      } else err(Texts.chatgptStatus);
      io.setExitCode(0);
    });
  program
    .command('logout')
    .description('Remove the stored login (a ChatGPT login is revoked first).')
    .addOption(configOption())
    .action(async (opts: { config: string[] }) => {
      const config = await configOrExit(opts.config, io, err);
      if (!config) return;
      try {
        const result = await logout({
          codexHome: config.codexHome,
          originator: ORIGINATOR,
          userAgent: buildUserAgent({ originator: ORIGINATOR, version: CLI_VERSION, env: io.env }),
          env: io.env,
        });
        err(result.wasLoggedIn ? Texts.loggedOut : Texts.notLoggedIn);
        io.setExitCode(0);
      } catch (error) {
        err(`Error logging out: ${messageOf(error)}`);
        io.setExitCode(1);
      }
    });
}

interface LoadedConfig {
  codexHome: string;
  restrictions: {
    forcedLoginMethod: Config['forcedLoginMethod'];
    forcedChatgptWorkspaceIds: Config['forcedChatgptWorkspaceIds'];
  };
}

async function configOrExit(
  overrides: string[],
  io: LoginIo,
  err: (l: string) => void,
): Promise<LoadedConfig | undefined> {
  const codexHome = resolveCodexHome(io.env);
  try {
    const config = await loadConfig({ codexHome, overrides, env: io.env });
    return {
      codexHome,
      restrictions: {
        forcedLoginMethod: config.forcedLoginMethod,
        forcedChatgptWorkspaceIds: config.forcedChatgptWorkspaceIds,
      },
    };
  } catch (error) {
    err(`Error loading configuration: ${messageOf(error)}`);
    io.setExitCode(1);
    return undefined;
  }
}

async function runLogin(opts: LoginOpts, io: LoginIo, err: (l: string) => void): Promise<number> {
  const config = await configOrExit(opts.config, io, err);
  if (!config) return 1;
  const { forcedLoginMethod, forcedChatgptWorkspaceIds } = config.restrictions;
  try {
    if (opts.withApiKey) {
      err(Texts.readingApiKey);
      const key = await io.readStdin();
      io.redactor.add(key.trim());
      try {
        await loginWithApiKey({ codexHome: config.codexHome, apiKey: key, forcedLoginMethod });
      } catch (error) {
        // these two are printed bare (observed §3)
        if (
          LoginFlowError.isInstance(error) &&
          (error.code === 'no_api_key' || error.code === 'login_disabled')
        ) {
          err(error.message);
          return 1;
        }
        throw error;
      }
      err(Texts.apiKeySaved);
      return 0;
    }
    if (forcedLoginMethod === 'api') {
      err(Texts.chatgptDisabled);
      return 1;
    }
    const common = {
      codexHome: config.codexHome,
      issuer: opts.experimental_issuer,
      clientId: opts.experimental_clientId,
      allowedWorkspaceIds: forcedChatgptWorkspaceIds,
      env: io.env,
      signal: io.signal,
    };
    if (opts.deviceAuth) {
      await loginWithDeviceCode({
        ...common,
        onPrompt: (p) => io.stdout.write(devicePromptText(CLI_VERSION, p.verificationUrl, p.userCode)),
      });
    } else {
      const ports = callbackPorts(io.env);
      const login = await startBrowserLogin({ ...common, ...(ports ? { ports } : {}) });
      openBrowser(login.authorizeUrl, io.env);
      io.stderr.write(browserStartText(login.port, login.authorizeUrl));
      await login.result;
    }
    err(Texts.loggedIn);
    return 0;
  } catch (error) {
    if (LoginFlowError.isInstance(error) && error.code === 'aborted') return 130;
    if (LoginFlowError.isInstance(error) && error.logLine !== undefined) err(error.logLine);
    err(`Error logging in: ${messageOf(error)}`);
    return 1;
  }
}

function callbackPorts(env: NodeJS.ProcessEnv): [number, number] | undefined {
  const raw = env[LOGIN_CALLBACK_PORTS_ENV]?.trim();
  if (!raw) return undefined;
  const ports = raw.split(',').map((p) => Number(p.trim()));
  if (ports.length !== 2 || ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) return undefined;
  return [ports[0] as number, ports[1] as number];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
