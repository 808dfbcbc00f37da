#!/usr/bin/env node
// Added latency of a ChatGPT-mode first request vs API-key mode on loopback: from the
// `openExecConversation()` call of `@codex-ts/core` to (a) the first `POST …/responses` arriving
// at the server and (b) `turn.completed` of a one-turn `runTurn('hi')`, in both credential modes
// against one HTTPS local responses server (on a worker thread), with a fresh CODEX_HOME per run
// (cold) and a reused one (warm: installation id and `models_cache.json` already there).
// See ../README.md ("chatgpt-first-request").
//
// node --expose-gc src/chatgpt-first-request.mjs [--runs=30] [--warmup=5] [--cache=cold,warm]
//   [--zstd-runs=30] [--out=results/chatgpt-first-request.json]

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect, createSecureContext, rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { zstdCompress, zstdImplementation } from '@codex-ts/client';
import { openExecConversation } from '@codex-ts/core';
import { decompress } from 'fzstd';
import { argList, argPairs, loadavg, median, round, runMeta, table, toJson } from './report.mjs';
import { startWorkerRpc } from './worker-rpc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const VERSION = '0.169.0';
const ACCOUNT_ID = 'acct-bench-0000';
const MODES = ['apikey', 'chatgpt'];

function parseArgs(argv) {
  const options = {
    runs: 30,
    warmup: 5,
    cache: ['cold', 'warm'],
    zstdRuns: 30,
    out: join(here, '..', 'results', 'chatgpt-first-request.json'),
  };
  for (const [key, value] of argPairs(argv)) {
    if (key === 'runs') options.runs = Number(value);
    else if (key === 'warmup') options.warmup = Number(value);
    else if (key === 'cache') options.cache = argList(value);
    else if (key === 'zstd-runs') options.zstdRuns = Number(value);
    else if (key === 'out') options.out = value;
    else throw new Error(`unknown option --${key}`);
  }
  if (!(options.warmup >= 1)) throw new Error('--warmup must be at least 1 (it fills the warm homes)');
  for (const c of options.cache) if (c !== 'cold' && c !== 'warm') throw new Error(`unknown cache "${c}"`);
  return options;
}

/** Wall clock with sub-millisecond digits (the server worker stamps requests with the same clock). */
const wall = () => performance.timeOrigin + performance.now();

/** Nearest-rank quantile of `values` (`p` in 0..1). */
function quantile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** An unsigned JWT (`alg: none`, fake signature) carrying `claims`; never verified by the client. */
function fakeJwt(claims) {
  const enc = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.c2lnbmF0dXJl`;
}

/** A ChatGPT auth.json as the original writes it (observed-cli-0.169-auth §2), token valid for a day. */
function chatgptAuthJson() {
  const exp = Math.floor(Date.now() / 1000) + 86_400;
  const auth = {
    chatgpt_plan_type: 'pro',
    chatgpt_user_id: 'user-bench',
    chatgpt_account_id: ACCOUNT_ID,
  };
  return JSON.stringify(
    {
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: {
        id_token: fakeJwt({ email: 'bench@example.com', exp, 'https://api.openai.com/auth': auth }),
        access_token: fakeJwt({ exp, 'https://api.openai.com/auth': auth, scp: ['openid'] }),
        refresh_token: 'rt-bench-not-a-secret',
        account_id: ACCOUNT_ID,
      },
      last_refresh: '2026-01-01T00:00:00Z',
    },
    null,
    2,
  );
}

/** A CODEX_HOME for `mode`: the same config.toml in both modes, auth.json only in ChatGPT mode. */
function makeHome(root, mode, urls) {
  const home = mkdtempSync(join(root, `${mode}-`));
  writeFileSync(
    join(home, 'config.toml'),
    [
      'model = "gpt-5.5"',
      'model_provider = "openai"',
      `openai_base_url = "${urls.codexBaseUrl}"`,
      `chatgpt_base_url = "${urls.chatgptBaseUrl}"`,
      '',
    ].join('\n'),
  );
  if (mode === 'chatgpt') writeFileSync(join(home, 'auth.json'), chatgptAuthJson(), { mode: 0o600 });
  return home;
}

function envFor(mode, home, caFile, urls) {
  return {
    CODEX_HOME: home,
    CODEX_CA_CERTIFICATE: caFile,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: urls.refreshTokenUrl,
    TERM: 'xterm',
    SHELL: '/bin/bash',
    PATH: process.env.PATH ?? '',
    ...(mode === 'apikey' ? { CODEX_API_KEY: 'sk-bench-not-a-secret' } : {}),
  };
}

/**
 * One run: `openExecConversation()` + one `runTurn('hi')` + `close()`, then the server's record of
 * it, checked (one 426 upgrade, one POST, the ChatGPT side requests only in ChatGPT mode, the models
 * fetch only when cold, zstd only in ChatGPT mode) so a broken path cannot report a time.
 */
async function runOnce(ctx, scenario) {
  const { mode, cache } = scenario;
  const home = cache === 'cold' ? makeHome(ctx.root, mode, ctx.urls) : ctx.warmHomes[mode];
  await ctx.rpc.call('refuseNextUpgrade');
  const mark = await ctx.rpc.call('mark');
  globalThis.gc?.();
  const events = [];
  let done;
  const start = wall();
  const opened = await openExecConversation({
    version: VERSION,
    env: envFor(mode, home, ctx.caFile, ctx.urls),
    cwd: ctx.root,
  });
  const openedAt = wall();
  try {
    for await (const event of opened.conversation.runTurn('hi')) {
      events.push(event.type);
      if (event.type === 'turn.completed') done = wall();
    }
  } finally {
    await opened.close();
  }
  const rec = await ctx.rpc.call('since', mark);
  if (cache === 'cold') rmSync(home, { recursive: true, force: true });

  const label = `${mode}/${cache}`;
  const fail = (what) => {
    throw new Error(
      `${label}: ${what}; events ${events.join(',')}; requests ${rec.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`,
    );
  };
  if (done === undefined) fail('no turn.completed');
  if (events.some((t) => t === 'turn.failed' || t === 'stream_error' || t === 'warning'))
    fail('a failure, retry or warning');
  const byRoute = (route) => rec.requests.filter((r) => r.route === route);
  const posts = byRoute('responses');
  const models = byRoute('models');
  const discovery = byRoute('accountsCheck');
  if (rec.requests.some((r) => r.route === undefined)) fail('an unexpected request');
  if (posts.length !== 1) fail(`${posts.length} POST …/responses`);
  if (rec.handshakes.length !== 1 || rec.handshakes[0].status !== 426)
    fail('not exactly one refused upgrade');
  const chatgpt = mode === 'chatgpt';
  if (discovery.length !== (chatgpt ? 1 : 0)) fail(`${discovery.length} discovery requests`);
  // A warm home's first run (a warm-up) fills its models_cache.json; later runs must not fetch.
  const fetches = chatgpt && (cache === 'cold' || !ctx.primed.has(home));
  if (models.length !== (fetches ? 1 : 0)) fail(`${models.length} models requests`);
  ctx.primed.add(home);
  const [post] = posts;
  if ((post.contentEncoding === 'zstd') !== chatgpt) fail(`POST content-encoding ${post.contentEncoding}`);
  if (chatgpt && post.chatgptAccountId !== ACCOUNT_ID) fail('POST without the account id');
  if (chatgpt && models.length && models[0].receivedAt > discovery[0].receivedAt)
    fail('discovery before models');

  // The body as sent: zstd in ChatGPT mode (decoded with an independent decoder), JSON either way.
  const json = Buffer.from(chatgpt ? decompress(post.raw) : post.raw).toString('utf8');
  try {
    JSON.parse(json);
  } catch {
    fail('POST body is not JSON after decoding');
  }
  const since = (t) => (t === undefined ? undefined : t - start);
  return {
    openMs: openedAt - start,
    modelsMs: since(models[0]?.receivedAt),
    discoveryMs: since(discovery[0]?.receivedAt),
    upgradeMs: since(rec.handshakes[0].receivedAt),
    firstPostMs: since(post.receivedAt),
    turnDoneMs: done - start,
    postWireBytes: post.bodyBytes,
    postJsonBytes: Buffer.byteLength(json),
    postBody: json,
  };
}

const STEPS = ['openMs', 'modelsMs', 'discoveryMs', 'upgradeMs', 'firstPostMs', 'turnDoneMs'];

const EVENT_NAMES = {
  modelsMs: 'GET models',
  discoveryMs: 'accounts/check',
  upgradeMs: 'upgrade',
  firstPostMs: 'POST',
  turnDoneMs: 'turn done',
};

/** One run's time between consecutive events, from the call on (`"upgrade → POST": ms`, …). */
function intervals(sample) {
  const out = {};
  let previous = 'call';
  let at = 0;
  for (const [key, name] of Object.entries(EVENT_NAMES)) {
    if (sample[key] === undefined) continue;
    out[`${previous} → ${name}`] = sample[key] - at;
    previous = name;
    at = sample[key];
  }
  return out;
}

function summarize(scenario, samples) {
  const stats = {};
  for (const key of STEPS) {
    const values = samples.map((s) => s[key]).filter((v) => v !== undefined);
    if (values.length === 0) continue;
    stats[key] = {
      median: round(median(values), 2),
      p90: round(quantile(values, 0.9), 2),
      min: round(Math.min(...values), 2),
    };
  }
  return {
    mode: scenario.mode,
    cache: scenario.cache,
    runs: samples.length,
    postJsonBytes: samples[0].postJsonBytes,
    postWireBytes: samples[0].postWireBytes,
    stats,
    // Median over the runs of each run's interval (so they add up only approximately).
    intervalMediansMs: Object.fromEntries(
      Object.keys(intervals(samples[0])).map((key) => [
        key,
        round(median(samples.map((s) => intervals(s)[key])), 2),
      ]),
    ),
    firstPostRunsMs: samples.map((s) => round(s.firstPostMs, 2)),
    turnDoneRunsMs: samples.map((s) => round(s.turnDoneMs, 2)),
  };
}

/**
 * What one TLS connection to the server costs the client, per way of trusting the test CA: the CA
 * alone; Node's bundled roots + the CA given per connection (what `HttpTransport` and the WebSocket
 * do with `CODEX_CA_CERTIFICATE`: every connection builds a secure context from ~145 PEMs); the
 * same list in one secure context built once. Median ms of `runs` `tls.connect` handshakes.
 */
async function tlsConnectCost(port, caFile, runs) {
  const ca = readFileSync(caFile, 'utf8');
  const withRoots = [...rootCertificates, ca];
  const ways = {
    caOnly: { ca },
    rootsAndCaPerConnection: { ca: withRoots },
    rootsAndCaPrebuiltContext: { secureContext: createSecureContext({ ca: withRoots }) },
  };
  const once = (options) =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      const socket = connect({ host: '127.0.0.1', port, ...options }, () => {
        socket.destroy();
        resolve(performance.now() - t);
      });
      socket.on('error', reject);
    });
  const out = {};
  for (const [name, options] of Object.entries(ways)) {
    await once(options);
    const times = [];
    for (let i = 0; i < runs; i++) times.push(await once(options));
    out[name] = round(median(times), 2);
  }
  return out;
}

/** zstd level 3 of the ChatGPT first request's JSON body alone: median ms over `runs` calls. */
async function zstdCost(body, runs) {
  const bytes = new TextEncoder().encode(body);
  await zstdCompress(bytes, 3);
  const times = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = await zstdCompress(bytes, 3);
    times.push(performance.now() - t);
  }
  return {
    implementation: zstdImplementation(),
    jsonBytes: bytes.length,
    compressedBytes: out.length,
    medianMs: round(median(times), 3),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const meta = runMeta(options);
  const root = mkdtempSync(join(tmpdir(), 'codex-ts-bench-chatgpt-'));
  const caFile = join(root, 'ca.pem');
  const rpc = startWorkerRpc(new URL('./chatgpt-server-worker.mjs', import.meta.url));
  try {
    const urls = await rpc.call('start', { caFile });
    const ctx = { rpc, root, caFile, urls, warmHomes: {}, primed: new Set() };
    for (const mode of MODES) ctx.warmHomes[mode] = makeHome(root, mode, urls);
    const scenarios = options.cache.flatMap((cache) => MODES.map((mode) => ({ mode, cache })));
    console.log(
      `${scenarios.map((s) => `${s.mode}/${s.cache}`).join(', ')}: ${options.warmup} warm-up + ${options.runs} runs each, rounds in rotating order; HTTPS server on a worker thread, upgrade refused with 426`,
    );
    // Warm-up (also fills the warm homes: installation id, models_cache.json).
    for (let i = 0; i < options.warmup; i++) for (const s of scenarios) await runOnce(ctx, s);
    const samples = scenarios.map(() => []);
    for (let round_ = 0; round_ < options.runs; round_++) {
      for (let k = 0; k < scenarios.length; k++) {
        const i = (k + round_) % scenarios.length;
        samples[i].push(await runOnce(ctx, scenarios[i]));
      }
    }
    const results = scenarios.map((s, i) => summarize(s, samples[i]));

    console.log(
      `\nms from the openExecConversation() call (median / p90 / min of ${options.runs} runs); POST body JSON → wire bytes`,
    );
    console.log(
      table(
        ['mode/cache', 'first POST med', 'p90', 'min', 'turn done med', 'p90', 'min', 'POST bytes'],
        results.map((r) => [
          `${r.mode}/${r.cache}`,
          r.stats.firstPostMs.median,
          r.stats.firstPostMs.p90,
          r.stats.firstPostMs.min,
          r.stats.turnDoneMs.median,
          r.stats.turnDoneMs.p90,
          r.stats.turnDoneMs.min,
          `${r.postJsonBytes} → ${r.postWireBytes}`,
        ]),
      ),
    );

    const added = options.cache.map((cache) => {
      const api = scenarios.findIndex((s) => s.mode === 'apikey' && s.cache === cache);
      const gpt = scenarios.findIndex((s) => s.mode === 'chatgpt' && s.cache === cache);
      const diff = (key) => ({
        ofMedians: round(
          median(samples[gpt].map((s) => s[key])) - median(samples[api].map((s) => s[key])),
          2,
        ),
        // Rounds run both modes back to back: the median of the per-round differences.
        pairedMedian: round(median(samples[gpt].map((s, j) => s[key] - samples[api][j][key])), 2),
      });
      return { cache, firstPostMs: diff('firstPostMs'), turnDoneMs: diff('turnDoneMs') };
    });
    console.log(
      '\nadded latency, ChatGPT − API key (ms): difference of medians / median of per-round differences',
    );
    console.log(
      table(
        ['cache', 'first POST', 'paired', 'turn done', 'paired'],
        added.map((a) => [
          a.cache,
          a.firstPostMs.ofMedians,
          a.firstPostMs.pairedMedian,
          a.turnDoneMs.ofMedians,
          a.turnDoneMs.pairedMedian,
        ]),
      ),
    );

    console.log(
      '\nbreakdown: median ms from the call to each event (server arrival times; open = the call returned)',
    );
    const cell = (r, key) => r.stats[key]?.median ?? '';
    console.log(
      table(
        ['mode/cache', 'open', 'GET models', 'GET accounts/check', 'upgrade (426)', 'POST', 'turn done'],
        results.map((r) => [`${r.mode}/${r.cache}`, ...STEPS.map((key) => cell(r, key))]),
      ),
    );

    console.log('\nintervals: median over the runs of the time between consecutive events (ms)');
    for (const r of results)
      console.log(
        `${`${r.mode}/${r.cache}`.padEnd(13)} ${Object.entries(r.intervalMediansMs)
          .map(([k, v]) => `${k} ${v}`)
          .join(' | ')}`,
      );

    const gptSample = samples[scenarios.findIndex((s) => s.mode === 'chatgpt')][0];
    const zstd = await zstdCost(gptSample.postBody, options.zstdRuns);
    console.log(
      `\nzstd (${zstd.implementation}) level 3 of the ChatGPT first request alone: ${zstd.jsonBytes} → ${zstd.compressedBytes} B in ${zstd.medianMs} ms (median of ${options.zstdRuns})`,
    );

    const tls = await tlsConnectCost(new URL(urls.codexBaseUrl).port, caFile, options.zstdRuns);
    console.log(
      `TLS connect (median of ${options.zstdRuns}): CA alone ${tls.caOnly} ms; roots + CA per connection ${tls.rootsAndCaPerConnection} ms; roots + CA, secure context built once ${tls.rootsAndCaPrebuiltContext} ms`,
    );

    meta.loadavgEnd = loadavg();
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(
      options.out,
      `${toJson({ meta, results, addedLatency: added, zstd, tlsConnectMs: tls })}\n`,
    );
    console.log(`\nload ${meta.loadavgEnd.join(' ')}; results in ${relative(process.cwd(), options.out)}`);
  } finally {
    await rpc.call('close').catch(() => {});
    await rpc.worker.terminate();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
