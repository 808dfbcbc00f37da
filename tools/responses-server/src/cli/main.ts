// The `responses-server` command: load a scenario file, serve it, log requests to stderr.

import { parseArgs } from 'node:util';
import { loadScenarioFile } from '../scenario/validate.js';
import { type ResponsesServer, startResponsesServer } from '../server/server.js';

/** Usage text printed by `--help` and on bad arguments. */
export const USAGE = `usage: responses-server --scenario <file.json> [--port N] [--host 127.0.0.1] [--tls-ca <ca.pem>]

Serves a scripted Responses API at http://HOST:PORT/v1 (POST /v1/responses, WebSocket GET
/v1/responses). Prints "listening <url>" on stdout, logs one line per request to stderr, and
exits on SIGINT/SIGTERM. The scenario file holds { "steps": [...], "repeatLast"?: bool, "ws"?: {...},
"chatgpt"?: { "token"?, "accountsCheck"?, "models"?: { "replies": [...] } } }.
--tls-ca <ca.pem> serves HTTPS and wss with a test CA made at start, written to <ca.pem>
(e.g. for CODEX_CA_CERTIFICATE); the ChatGPT backend is then https://HOST:PORT/backend-api/.
`;

/** Thrown for bad command-line arguments; the message is meant for the user (exit status 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where the CLI writes. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * Parse `argv` (without `node` and the script), load the scenario and start the server. Resolves
 * with the running server (`undefined` after `--help`). Throws `UsageError` for bad arguments and
 * `ScenarioError` for an unreadable or malformed scenario file.
 */
export async function runCli(argv: string[], io: CliIo): Promise<ResponsesServer | undefined> {
  let values: { scenario?: string; port?: string; host?: string; 'tls-ca'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string', short: 's' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'tls-ca': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    io.stdout(USAGE);
    return undefined;
  }
  if (!values.scenario) throw new UsageError('missing --scenario <file.json>');
  let port = 0;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535)
      throw new UsageError(`invalid --port ${JSON.stringify(values.port)}`);
  }
  const file = await loadScenarioFile(values.scenario);
  const { ws, chatgpt, ...scenario } = file;
  const tlsCa = values['tls-ca'];
  if (tlsCa === '') throw new UsageError('empty --tls-ca');
  const server = await startResponsesServer({
    scenario,
    ...(ws ? { wsScenario: ws } : {}),
    ...(chatgpt ? { chatgpt } : {}),
    ...(tlsCa !== undefined ? { tls: { caFile: tlsCa } } : {}),
    host: values.host ?? '127.0.0.1',
    port,
    log: (line) => io.stderr(`${new Date().toISOString()} ${line}\n`),
  });
  io.stdout(`listening ${server.url}\n`);
  return server;
}
