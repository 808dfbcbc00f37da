// Step 6 of pack-check: the packed `codex-ts` (dist/bin.js → the bundle dist/cli.cjs, which
// `require`s @codex-ts/otel-sdk from node_modules outside the bundle) exports telemetry from a plain
// npm install, and a dead collector does not hold its exit beyond the flush bound.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Flush bound of `codex-ts exec` (OTEL_FLUSH_TIMEOUT_MS) + the exit grace + slack for a loaded machine. */
const EXIT_BOUND_MS = 2000 + 1000 + 8000;

function exec(bin, home, env) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, 'exec', '--json', '--skip-git-repo-check', 'Say hello.'], {
      env: {
        PATH: process.env.PATH ?? '',
        TERM: 'xterm',
        CODEX_HOME: home,
        LOCAL_API_KEY: 'sk-pack-otel',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: performance.now() - started });
    });
  });
}

function config(baseUrl, kind, endpoint) {
  const exporter = (signal) =>
    kind === 'grpc'
      ? `{ otlp-grpc = { endpoint = "${endpoint(signal)}" } }`
      : `{ otlp-http = { endpoint = "${endpoint(signal)}", protocol = "${kind === 'http/json' ? 'json' : 'binary'}" } }`;
  return [
    'model = "gpt-5.5"',
    'model_provider = "local"',
    '[model_providers.local]',
    'name = "local"',
    `base_url = "${baseUrl}"`,
    'env_key = "LOCAL_API_KEY"',
    'wire_api = "responses"',
    '[otel]',
    `exporter = ${exporter('logs')}`,
    `trace_exporter = ${exporter('traces')}`,
    `metrics_exporter = ${exporter('metrics')}`,
    '',
  ].join('\n');
}

/**
 * Runs the installed `bin` against `responses` (a started responses server answering every
 * request with a text turn): once exporting to a
 * live OTLP/HTTP receiver (the root span `codex.exec`, the turn span and metrics must arrive), then
 * against a collector that never answers (OTLP/HTTP protobuf and gRPC) and a closed port: exit 0
 * within {@link EXIT_BOUND_MS}. Returns problems (empty: ok) and the measured exit times.
 */
export async function checkPackedExecTelemetry({ root, bin, responses }) {
  const receiverUrl = pathToFileURL(join(root, 'tools', 'otlp-receiver', 'dist', 'index.js')).href;
  const otlp = await import(receiverUrl);
  const problems = [];
  const times = {};
  const home = mkdtempSync(join(tmpdir(), 'pack-check-otel-'));
  try {
    const live = await otlp.startOtlpHttpReceiver();
    try {
      writeFileSync(
        join(home, 'config.toml'),
        config(responses.url, 'http/json', (s) => live.endpoints[s]),
      );
      const r = await exec(bin, home);
      if (r.code !== 0) problems.push(`exec with a live collector exited ${r.code}: ${r.out.slice(-400)}`);
      const names = new Set(live.spans().map((s) => s.name));
      for (const name of ['codex.exec', 'session_task.turn'])
        if (!names.has(name))
          problems.push(`no ${name} span exported (got ${[...names].join(', ') || 'none'})`);
      if (live.metrics('codex.turn.e2e_duration_ms').length === 0) problems.push('no turn metric exported');
      if (live.logs('codex.user_prompt').length === 0) problems.push('no codex.user_prompt log exported');
      times.live = Math.round(r.ms);
    } finally {
      await live.close();
    }
    const stalling = await otlp.startStallingCollector();
    const closed = await otlp.closedPortUrl();
    try {
      for (const [label, url, kind] of [
        ['stalled http/protobuf', stalling.url, 'http/protobuf'],
        ['stalled grpc', stalling.url, 'grpc'],
        ['refused http/json', closed, 'http/json'],
      ]) {
        const endpoint = (signal) => (kind === 'grpc' ? url : `${url}/v1/${signal}`);
        writeFileSync(join(home, 'config.toml'), config(responses.url, kind, endpoint));
        const r = await exec(bin, home);
        times[label] = Math.round(r.ms);
        if (r.code !== 0)
          problems.push(`exec with a ${label} collector exited ${r.code}: ${r.out.slice(-400)}`);
        if (r.ms > EXIT_BOUND_MS)
          problems.push(
            `exec with a ${label} collector took ${Math.round(r.ms)} ms (bound ${EXIT_BOUND_MS} ms)`,
          );
      }
    } finally {
      await stalling.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return { problems, times };
}
