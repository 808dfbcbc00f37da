/**
 * @codex-ts/cli: the `codex-ts` command. The binary is `dist/bin.cjs`; this entry exposes
 * the pieces for embedding and testing.
 */
export { type ExecOptions, runExec } from './exec/run-exec.js';
export { type MainIo, main } from './main.js';
export { HumanPrinter } from './output/human-printer.js';
export type { HumanSessionSummary } from './output/human-summary.js';
export { JsonlPrinter, type OutputSink } from './output/jsonl-printer.js';
export { CLI_VERSION } from './version.js';
