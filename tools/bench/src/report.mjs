// Shared by the benchmarks: statistics, load average, console tables and the results-file JSON layout.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { relative } from 'node:path';

/** Median of `values` (mean of the two middle values for an even count). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** `v` rounded to `digits` decimals (`undefined`/`null` pass through). */
export const round = (v, digits = 1) => (v === undefined || v === null ? v : Number(v.toFixed(digits)));
/** `os.loadavg()` (1, 5, 15 min) rounded to 2 decimals. */
export const loadavg = () => os.loadavg().map((v) => round(v, 2));

/**
 * JSON with 2-space indentation, arrays of primitives on one line when it fits in 110 columns and
 * long number arrays filled line by line: the layout Biome's formatter gives (the results file is
 * checked by `biome check`).
 */
export function toJson(value, indent = '', key = '') {
  const prefix = `${indent}${key}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${prefix}[]`;
    if (value.every((v) => v === null || typeof v !== 'object')) {
      const inline = `${prefix}[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
      if (inline.length + 1 <= 110) return inline;
      if (value.every((v) => typeof v === 'number')) {
        // Biome fills long number arrays: as many per line as fit.
        const lines = [];
        let line = '';
        for (const [i, v] of value.entries()) {
          const item = `${JSON.stringify(v)}${i < value.length - 1 ? ',' : ''}`;
          if (line !== '' && indent.length + 2 + line.length + 1 + item.length > 110) {
            lines.push(line);
            line = item;
          } else {
            line = line === '' ? item : `${line} ${item}`;
          }
        }
        lines.push(line);
        return `${prefix}[\n${lines.map((l) => `${indent}  ${l}`).join('\n')}\n${indent}]`;
      }
    }
    const inner = value.map((v) => toJson(v, `${indent}  `));
    return `${prefix}[\n${inner.join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return `${prefix}{}`;
    const inner = entries.map(([k, v]) => toJson(v, `${indent}  `, `${JSON.stringify(k)}: `));
    return `${prefix}{\n${inner.join(',\n')}\n${indent}}`;
  }
  return `${prefix}${JSON.stringify(value)}`;
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(headers, rows) {
  const cells = [headers, ...rows.map((r) => r.map((v) => (v === undefined || v === null ? '' : String(v))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

/** An integer with thousands separators. */
export const fmtInt = (v) => Math.round(v).toLocaleString('en-US');

/** Machine and run facts every result file starts with (node, platform, CPUs, load at start, options). */
export function runMeta(options) {
  return {
    startedAt: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavgStart: loadavg(),
    options: { ...options, out: relative(process.cwd(), options.out) },
  };
}

/**
 * CPU time the main thread has used so far, ms (`/proc/self/task/<pid>/schedstat`, ns resolution),
 * or undefined where /proc is missing. Steadier than wall time on a loaded machine, and it leaves
 * out the servers, which run on worker threads.
 */
export function mainThreadCpuMs() {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/** The `--name=value` arguments of a bench script as `[name, value]` pairs; anything else throws. */
export function* argPairs(argv) {
  for (const arg of argv) {
    const m = /^--([\w-]+)=(.*)$/.exec(arg);
    if (!m) throw new Error(`unexpected argument "${arg}" (use --name=value)`);
    yield [m[1], m[2]];
  }
}

/** A comma-separated argument value as a list (`''` → `[]`). */
export const argList = (value) => (value === '' ? [] : value.split(','));
