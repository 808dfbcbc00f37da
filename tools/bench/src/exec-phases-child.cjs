// Child of exec-phases.mjs: does what the codex-ts launcher (dist/bin.cjs) does for `exec`, with
// checkpoints: read the bundle and its code cache, compile, evaluate, then `run(argv)` until the
// first HTTP request, its response headers, the response body, and process exit. Writes one
// JSON line on stderr: [[phase, wallMs, cpuMs], …] (CPU = process.cpuUsage(), user + system).
//
//   node exec-phases-child.cjs <dist folder> exec --json …
'use strict';
const { isAscii } = require('node:buffer');
const { readFileSync, writeSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const marks = [];
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
// process.uptime(), not performance.now(): the global `performance` loads node:perf_hooks (~0.7 ms),
// which the launcher does not, so the child would do work for the bundle before it starts.
const now = () => process.uptime() * 1000;
const mark = (phase) => marks.push([phase, now(), cpu()]);
mark('node start-up');

const [dist, ...argv] = process.argv.slice(2);
const bundlePath = join(dist, 'cli.cjs');
const bytes = readFileSync(bundlePath);
const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
// The launcher's cache file: `codex-ts-code-cache <bundle id>\n`, then V8's data.
const cacheFile = readFileSync(`${bundlePath}.cache`);
const cachedData = cacheFile.subarray(cacheFile.indexOf(10) + 1);
mark('read bundle + code cache');
const script = new Script(source, { filename: bundlePath, cachedData });
if (script.cachedDataRejected) throw new Error('code cache rejected: run the codex-ts bin once first');
mark('compile (code cache)');
const factory = script.runInThisContext();
const bundle = { exports: {} };
factory.call(bundle.exports, bundle.exports, createRequire(bundlePath), bundle, bundlePath, dist);
mark('evaluate bundle');

const http = require('node:http');
const request = http.request;
http.request = function (...args) {
  if (!marks.some(([phase]) => phase === 'run() until the request')) mark('run() until the request');
  const req = request.apply(this, args);
  req.once('response', (res) => {
    mark('request → response headers');
    res.once('end', () => mark('response body'));
  });
  return req;
};
process.once('exit', () => {
  mark('after the body → exit');
  const out = [[marks[0][0], marks[0][1], marks[0][2]]];
  for (let i = 1; i < marks.length; i++)
    out.push([marks[i][0], marks[i][1] - marks[i - 1][1], marks[i][2] - marks[i - 1][2]]);
  writeSync(2, `${JSON.stringify(out)}\n`);
});
bundle.exports.run(argv);
