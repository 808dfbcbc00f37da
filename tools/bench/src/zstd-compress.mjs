#!/usr/bin/env node
// zstd request bodies (ChatGPT mode): compress time (ms, MB/s) and ratio of realistic Responses
// request bodies of ~10 KB / 100 KB / 1 MB at level 3, for each zstd implementation this runtime
// has (`@codex-ts/client`'s `zstdCompress`: WebAssembly, and node:zlib when the runtime has zstd),
// with gzip level 6 as a reference point. Every frame is checked with an independent decoder (fzstd).
// See ../README.md ("zstd-compress").
//
// node --expose-gc src/zstd-compress.mjs [--sizes-kb=10,100,1000] [--level=3] [--runs=30]
//   [--out=results/zstd-compress.json]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { serializeResponsesRequest } from '@codex-ts/api';
import { zstdCompress, zstdImplementation } from '@codex-ts/client';
import { decompress } from 'fzstd';
import { prng } from './prng.mjs';
import { argList, argPairs, loadavg, median, round, runMeta, table, toJson } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const options = {
    sizesKb: [10, 100, 1000],
    level: 3,
    runs: 30,
    out: join(here, '..', 'results', 'zstd-compress.json'),
  };
  for (const [key, value] of argPairs(argv)) {
    if (key === 'sizes-kb') options.sizesKb = argList(value).map(Number);
    else if (key === 'level') options.level = Number(value);
    else if (key === 'runs') options.runs = Number(value);
    else if (key === 'out') options.out = value;
    else throw new Error(`unknown option --${key}`);
  }
  return options;
}

const WORDS =
  'the a model tool call file path function return value error test build run output input request response stream token cache session thread turn config user assistant reasoning summary patch diff line code module import export const let async await type interface class'.split(
    ' ',
  );
const CODE = [
  'export async function handle(request: Request): Promise<Response> {',
  '  const body = await request.json();',
  "  if (!body.model) throw new Error('model is required');",
  '  for (const item of body.input) items.push(normalize(item));',
  '  return new Response(JSON.stringify({ ok: true }), { status: 200 });',
  '}',
  "import { readFile } from 'node:fs/promises';",
  '    at Object.<anonymous> (/work/src/index.ts:42:13)',
  'PASS src/client.test.ts (12 tests) 340ms',
];

function prose(rand, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return `${out.join(' ')}.`;
}

function codeBlock(rand, lines) {
  const out = [];
  for (let i = 0; i < lines; i++)
    out.push(`${CODE[Math.floor(rand() * CODE.length)]} // ${Math.floor(rand() * 1e6)}`);
  return out.join('\n');
}

const message = (role, text) => ({
  type: 'message',
  role,
  content: [{ type: role === 'assistant' ? 'output_text' : 'input_text', text }],
});

/** A Responses request shaped like a Codex turn (instructions, tools, history), grown to ≥ `bytes`. */
function requestBody(bytes, seed) {
  const rand = prng(seed);
  const tools = [
    'exec_command',
    'write_stdin',
    'apply_patch',
    'view_image',
    'list_mcp_resources',
    'update_plan',
  ].map((name) => ({
    type: 'function',
    name,
    description: prose(rand, 60),
    strict: false,
    parameters: {
      type: 'object',
      properties: {
        cmd: { type: 'string', description: prose(rand, 12) },
        workdir: { type: 'string', description: prose(rand, 10) },
        timeout_ms: { type: 'number', description: prose(rand, 8) },
      },
      required: ['cmd'],
      additionalProperties: false,
    },
  }));
  const input = [
    message('developer', `<permissions instructions>\n${prose(rand, 120)}\n</permissions instructions>`),
    message(
      'user',
      `<environment_context>\n  <cwd>/work/project</cwd>\n  <shell>bash</shell>\n</environment_context>`,
    ),
  ];
  const request = {
    model: 'gpt-5.5',
    instructions: `You are Codex, a coding agent. ${prose(rand, 300)}`,
    input,
    tools,
    tool_choice: 'auto',
    parallel_tool_calls: true,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: '01a2004f-b89d-7fb1-9159-4117ec46c750',
    text: { verbosity: 'low' },
  };
  let turn = 0;
  while (serializeResponsesRequest(request).length < bytes) {
    turn++;
    input.push(message('user', prose(rand, 20 + Math.floor(rand() * 60))));
    input.push({
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: prose(rand, 30) }],
      encrypted_content: Buffer.from(Array.from({ length: 600 }, () => Math.floor(rand() * 256))).toString(
        'base64',
      ),
    });
    const callId = `call_${turn}_${Math.floor(rand() * 1e9)}`;
    input.push({
      type: 'function_call',
      name: 'exec_command',
      arguments: JSON.stringify({ cmd: 'npm test' }),
      call_id: callId,
    });
    input.push({
      type: 'function_call_output',
      call_id: callId,
      output: `Process exited with code 0\nOutput:\n${codeBlock(rand, 8 + Math.floor(rand() * 30))}`,
    });
    input.push(message('assistant', prose(rand, 40 + Math.floor(rand() * 80))));
  }
  return new TextEncoder().encode(serializeResponsesRequest(request));
}

async function timeRuns(runs, fn) {
  await fn(); // warm-up (loads the WebAssembly module on the first call)
  globalThis.gc?.();
  const times = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    out = await fn();
    times.push(performance.now() - start);
  }
  return { ms: median(times), out };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const meta = runMeta(options);
  const hasNode = zstdImplementation() === 'node:zlib';
  const implementations = [
    ['zstd wasm', (b) => zstdCompress(b, options.level, 'wasm')],
    ...(hasNode ? [['zstd node:zlib', (b) => zstdCompress(b, options.level, 'node:zlib')]] : []),
    ['gzip 6 (reference)', (b) => gzipSync(b, { level: 6 })],
  ];
  console.log(
    `zstd level ${options.level}, ${options.runs} runs (median); node:zlib zstd: ${hasNode ? 'yes' : `no (${process.version})`}`,
  );
  const results = [];
  for (const kb of options.sizesKb) {
    const body = requestBody(kb * 1000, kb);
    for (const [name, fn] of implementations) {
      const { ms, out } = await timeRuns(options.runs, () => fn(body));
      if (name.startsWith('zstd')) {
        const back = decompress(out);
        if (Buffer.compare(Buffer.from(back), Buffer.from(body)) !== 0)
          throw new Error(`${name}: round trip differs`);
      }
      results.push({
        sizeKb: kb,
        implementation: name,
        bodyBytes: body.length,
        compressedBytes: out.length,
        ratio: round(body.length / out.length, 2),
        medianMs: round(ms, 3),
        mbPerS: round(body.length / 1e6 / (ms / 1000), 1),
      });
    }
  }
  console.log(
    table(
      ['body', 'implementation', 'bytes', 'compressed', 'ratio', 'median ms', 'MB/s'],
      results.map((r) => [
        `${r.sizeKb} KB`,
        r.implementation,
        r.bodyBytes,
        r.compressedBytes,
        r.ratio,
        r.medianMs,
        r.mbPerS,
      ]),
    ),
  );
  meta.loadavgEnd = loadavg();
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${toJson({ meta, results })}\n`);
  console.log(`\nload ${meta.loadavgEnd.join(' ')}; results in ${relative(process.cwd(), options.out)}`);
}

await main();
