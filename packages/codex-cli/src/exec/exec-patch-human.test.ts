// Human output of `codex-ts exec` for an apply_patch call: what codex-cli 0.169.0 printed on stderr
// for the same script (live run): `apply patch`, `patch: completed`, the file's path, its git diff.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  completed,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';

let server: ResponsesServer;
let work: string;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
  work = mkdtempSync(join(tmpdir(), 'codex-ts-cli-work-'));
});
afterEach(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

/** One apply_patch call carrying `patch`, then a text answer; runs `codex-ts exec` in `work`. */
async function runPatchTurn(patch: string, prompt: string) {
  server.pushSteps(
    {
      kind: 'sse',
      events: [
        responseCreated('resp_1'),
        {
          type: 'response.output_item.done',
          item: {
            type: 'custom_tool_call',
            id: 'ctc_1',
            call_id: 'call_1',
            name: 'apply_patch',
            input: patch,
          },
        },
        completed('resp_1'),
      ],
    },
    { kind: 'sse', events: helloTurn() },
  );
  return runCli(['exec', '--skip-git-repo-check', '-s', 'workspace-write', '-C', work, prompt], {
    home: newHome(server.url),
    env: { HOME: work },
  });
}

describe('codex-ts exec (human): apply_patch', () => {
  it('prints apply patch, patch: completed, the path and the git diff on stderr', async () => {
    const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n';
    const r = await runPatchTurn(patch, 'Add hello.txt.');
    expect(r.code).toBe(0);
    expect(readFileSync(join(work, 'hello.txt'), 'utf8')).toBe('hello\n');
    expect(r.stdout).toBe('Hello there!\n');
    expect(r.stderr).toContain(
      `apply patch\npatch: completed\n${work}/hello.txt\ndiff --git a/hello.txt b/hello.txt\nnew file mode 100644\n` +
        'index 0000000000000000000000000000000000000000..ce013625030ba8dba906f756967f9e9ca394464a\n' +
        '--- /dev/null\n+++ b/hello.txt\n@@ -0,0 +1 @@\n+hello\n\n**Planning a reply**',
    );
  });

  it('a patch that fails to write: apply patch, patch: failed and the path, no diff', async () => {
    writeFileSync(join(work, 'mod.txt'), 'x\n');
    const patch = '*** Begin Patch\n*** Add File: mod.txt/child.txt\n+x\n*** End Patch\n';
    const r = await runPatchTurn(patch, 'Add it.');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`apply patch\npatch: failed\n${work}/mod.txt/child.txt\n**Planning a reply**`);
  });
});
