// A child process of the cross-process refresh test: loads the AuthManager on CODEX_HOME (argv[2]),
// trusts the CA in argv[3], waits for a "go" line on stdin, refreshes once and prints the
// Authorization header it would send next as one JSON line.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { HttpTransport } from '@codex-ts/client';
import { Agent } from 'undici';
import { AuthManager } from '../manager/auth-manager.js';

const [codexHome, caFile, refreshTokenUrl] = process.argv.slice(2) as [string, string, string];
const dispatcher = new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });
const manager = await AuthManager.load({
  codexHome,
  env: {},
  refreshTokenUrl,
  transport: new HttpTransport({ dispatcher }),
  originator: 'codex_exec',
  userAgent: 'codex_exec/0.169.0 (test child)',
  log: (level, message) => process.stderr.write(`${level} ${message}\n`),
});
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'go') continue;
  await manager.refreshToken('unauthorized_recovery');
  const headers = await manager.authHeaders();
  process.stdout.write(`${JSON.stringify({ authorization: headers.authorization })}\n`);
  break;
}
lines.close();
await dispatcher.close();
