import { dirname, join } from 'node:path';
import { ioErrorText } from '@codex-ts/core';
import { open as openFile, readFile, stat, writeFile } from '../internal/fs-async.js';
import type { OutputSink } from '../output/jsonl-printer.js';

/** A setup step failed; `message` is the whole line to print on stderr (exit 1). */
/** Ends the run with `code` before the session; whatever explains it has been printed already. */
export class ExecExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExecExit';
  }
}

export class ExecSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecSetupError';
  }
}

/**
 * `-o <FILE>` before the run: the file must be openable for writing (it is opened in append
 * mode, so an existing file is not truncated yet), as 0.169.0 checks before sending anything.
 *
 * @throws ExecSetupError "Error: Failed to open last message file \"<path>\": <io error>".
 */
export async function checkLastMessageFile(path: string): Promise<void> {
  try {
    const handle = await openFile(path, 'a');
    await handle.close();
  } catch (error) {
    throw new ExecSetupError(
      `Error: Failed to open last message file ${JSON.stringify(path)}: ${ioErrorText(error)}`,
    );
  }
}

/**
 * `-o <FILE>` after a completed turn, as 0.169.0: the last agent message's text exactly (no
 * newline added); with none, an empty file and "Warning: no last agent message; wrote empty
 * content to <path>" on stderr. A failed turn leaves the file as it was (not called).
 *
 * @throws ExecSetupError "Error: Failed to write last message file \"<path>\"\n\nCaused by:\n
 *   <io error>" (0.169.0's text without its backtrace; the run then exits 1).
 */
export async function writeLastMessage(
  path: string,
  text: string | undefined,
  stderr: OutputSink,
): Promise<void> {
  try {
    await writeFile(path, text ?? '');
  } catch (error) {
    throw new ExecSetupError(
      `Error: Failed to write last message file ${JSON.stringify(path)}\n\nCaused by:\n    ${ioErrorText(error)}`,
    );
  }
  if (text === undefined) stderr.write(`Warning: no last agent message; wrote empty content to ${path}\n`);
}

/**
 * `--output-schema <FILE>`: reads and parses the JSON Schema, then checks it is a valid JSON
 * Schema (Ajv, draft-07 meta-schema, unknown keywords allowed). The original sends an invalid
 * schema as is and lets the API reject it; codex-ts refuses it before sending anything.
 *
 * @throws ExecSetupError "Failed to read output schema file <path>: <io error>", "Output
 *   schema file <path> is not valid JSON: <reason>" (the original's texts) or "Output schema
 *   file <path> is not a valid JSON Schema: <what Ajv found>".
 */
export async function loadOutputSchema(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ExecSetupError(`Failed to read output schema file ${path}: ${ioErrorText(error)}`);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new ExecSetupError(`Output schema file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  // Ajv is loaded only for --output-schema (evaluating it costs ~10 ms of every start-up).
  const { Ajv } = await import('ajv');
  const ajv = new Ajv({ strict: false, validateSchema: true });
  if (typeof schema !== 'object' && typeof schema !== 'boolean') {
    throw new ExecSetupError(`Output schema file ${path} is not a valid JSON Schema: expected an object`);
  }
  const valid = ajv.validateSchema(schema as object);
  if (!valid) {
    throw new ExecSetupError(
      `Output schema file ${path} is not a valid JSON Schema: ${ajv.errorsText(ajv.errors, { dataVar: 'schema' })}`,
    );
  }
  return schema;
}

/**
 * The git repository `cwd` is in: the nearest directory from `cwd` up that holds a `.git`
 * entry (directory, or file for worktrees), as codex-rs `get_git_repo_root`; undefined outside
 * one.
 */
export async function gitRepoRoot(cwd: string): Promise<string | undefined> {
  let dir = cwd;
  for (let depth = 0; depth < 256; depth++) {
    const found = await stat(join(dir, '.git')).then(
      () => true,
      () => false,
    );
    if (found) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** The git check's refusal text (exit 1), as 0.169.0 prints it. */
export const NOT_TRUSTED_TEXT = 'Not inside a trusted directory and --skip-git-repo-check was not specified.';

/**
 * `--trust`: records `[projects."<root>"] trust_level = "trusted"` in config.toml for the git
 * root, as 0.169.0 does (appended as a new table; nothing when the project already has a
 * `trust_level` entry or `cwd` is not in a git repository).
 */
export async function trustProject(configFile: string, cwd: string): Promise<void> {
  const root = await gitRepoRoot(cwd);
  if (root === undefined) return;
  const current = await readFile(configFile, 'utf8').catch(() => '');
  const header = `[projects.${JSON.stringify(root)}]`;
  if (current.includes(header)) return;
  const separator = current === '' || current.endsWith('\n\n') ? '' : current.endsWith('\n') ? '\n' : '\n\n';
  await writeFile(configFile, `${current}${separator}${header}\ntrust_level = "trusted"\n`);
}
