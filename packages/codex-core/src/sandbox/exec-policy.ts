// The exec policy of codex-cli 0.169.0: `prefix_rule(...)` statements in `$CODEX_HOME/rules/*.rules`
// that allow, prompt for or forbid the commands a model runs (upstream `codex-rs/execpolicy`).

import { basename, join } from 'node:path';
import { readdir, readFile } from '../internal/fs-async.js';

/** What a rule decides for a command it matches (strictest first: `forbidden`, `prompt`, `allow`). */
export type PolicyDecision = 'allow' | 'prompt' | 'forbidden';

/** One `prefix_rule`: the argv prefix it matches (an element may list alternatives) and its decision. */
export interface PrefixRule {
  readonly pattern: readonly (string | readonly string[])[];
  readonly decision: PolicyDecision;
  readonly justification?: string | undefined;
}

/** A rules file that could not be loaded; `message` is 0.169.0's "Error loading rules:\n<file>:<line>: error: …". */
export class ExecPolicyError extends Error {
  override readonly name = 'ExecPolicyError';
}

/** The verdict on a command: the strictest matching rule's decision and the prefix it matched. */
export interface PolicyVerdict {
  readonly decision: PolicyDecision;
  /** The matched prefix, words joined by spaces (e.g. `git push`). */
  readonly prefix: string;
}

const DECISIONS: readonly PolicyDecision[] = ['allow', 'prompt', 'forbidden'];

/**
 * The rules of a session: {@link ExecPolicy.check} tells what they decide for a script run as
 * `<shell> -lc <script>`.
 */
export class ExecPolicy {
  constructor(readonly rules: readonly PrefixRule[]) {}

  /**
   * The strictest verdict of the rules over the commands of `script` (split on `&&`, `||`, `;`,
   * `|` and newlines when it is made of plain words and quotes; otherwise the whole `argv`), a
   * command's program matched by its base name (`/bin/rm` is `rm`). `undefined` when no rule matches.
   */
  check(script: string, argv: readonly string[]): PolicyVerdict | undefined {
    const commands = splitSimpleScript(script) ?? [argv];
    let verdict: PolicyVerdict | undefined;
    for (const command of commands)
      for (const rule of this.rules) {
        const prefix = matchPrefix(rule, command);
        if (prefix === undefined) continue;
        if (verdict === undefined || DECISIONS.indexOf(rule.decision) > DECISIONS.indexOf(verdict.decision))
          verdict = { decision: rule.decision, prefix };
      }
    return verdict;
  }
}

/**
 * 0.169.0's answer to a command its exec policy refuses (no item, nothing run): `forbidden` →
 * `` `<command>` rejected: policy forbids commands starting with `<prefix>` ``; `prompt` (exec never
 * asks) → `approval required by policy, but AskForApproval is set to Never`; both wrapped as
 * `exec_command failed: CreateProcess { message: "Rejected(\"…\")" }`.
 */
export function policyRefusalText(verdict: PolicyVerdict | undefined, command: string): string | undefined {
  if (verdict === undefined || verdict.decision === 'allow') return undefined;
  const reason =
    verdict.decision === 'forbidden'
      ? `\`${command}\` rejected: policy forbids commands starting with \`${verdict.prefix}\``
      : 'approval required by policy, but AskForApproval is set to Never';
  return `exec_command failed: CreateProcess { message: ${JSON.stringify(`Rejected(${JSON.stringify(reason)})`)} }`;
}

function matchPrefix(rule: PrefixRule, command: readonly string[]): string | undefined {
  if (rule.pattern.length === 0 || command.length < rule.pattern.length) return undefined;
  const words: string[] = [];
  for (const [i, element] of rule.pattern.entries()) {
    const word = command[i] as string;
    const candidates = typeof element === 'string' ? [element] : element;
    const hit = candidates.find((c) => c === word || (i === 0 && c === basename(word)));
    if (hit === undefined) return undefined;
    words.push(hit);
  }
  return words.join(' ');
}

/**
 * The argv of each command of a plain shell script (words, `'…'`, `"…"` without `$` or
 * backquotes, `\` escapes; separated by `&&`, `||`, `;`, `|`, newlines), `undefined` for anything
 * else (substitutions, redirections, groups, assignments, background jobs, comments).
 */
export function splitSimpleScript(script: string): string[][] | undefined {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const endWord = () => {
    if (word !== undefined) {
      if (words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) return false;
      words.push(word);
    }
    word = undefined;
    return true;
  };
  const endCommand = () => {
    if (!endWord() || words.length === 0) return false;
    commands.push(words);
    words = [];
    return true;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i] as string;
    if (c === ' ' || c === '\t') {
      if (!endWord()) return undefined;
    } else if (c === '\n' || c === ';' || c === '|' || c === '&') {
      const two = script.slice(i, i + 2);
      if (c === '&' && two !== '&&') return undefined;
      if (two === '&&' || two === '||') i++;
      if (!endCommand()) {
        if (c === '\n' && words.length === 0 && word === undefined) continue;
        return undefined;
      }
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + script.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < script.length && script[j] !== '"'; j++) {
        const d = script[j] as string;
        if (d === '$' || d === '`') return undefined;
        if (d === '\\' && j + 1 < script.length && '"\\'.includes(script[j + 1] as string)) j++;
        text += script[j];
      }
      if (j >= script.length) return undefined;
      word = (word ?? '') + text;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= script.length) return undefined;
      word = (word ?? '') + script[++i];
    } else if ('$`()<>{}#'.includes(c)) {
      return undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined || words.length > 0) {
    if (!endCommand()) return undefined;
  }
  return commands.length > 0 ? commands : undefined;
}

/**
 * Reads `<codexHome>/rules/*.rules` (in name order) into one {@link ExecPolicy}; `undefined` when
 * there is no rules file. @throws ExecPolicyError for a file it cannot read or parse.
 */
export async function loadExecPolicy(codexHome: string): Promise<ExecPolicy | undefined> {
  const dir = join(codexHome, 'rules');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.rules')).sort();
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const rules: PrefixRule[] = [];
  for (const name of names) {
    const file = join(dir, name);
    rules.push(...parseRules(await readFile(file, 'utf8'), file));
  }
  return new ExecPolicy(rules);
}

type Token = { kind: 'ident' | 'string' | 'punct'; text: string; line: number };

/**
 * The `prefix_rule(pattern = [...], decision = "allow" | "prompt" | "forbidden", justification =
 * "…", match = [...], not_match = [...])` statements of a rules file (`#` comments; `decision`
 * defaults to `allow`; `match` / `not_match` examples are accepted, not checked).
 * @throws ExecPolicyError `Error loading rules:\n<file>:<line>: error: <what> (problem is on or
 *   around line <line>)`, e.g. `invalid decision: nope`.
 */
export function parseRules(text: string, file: string): PrefixRule[] {
  const fail = (line: number, what: string): never => {
    throw new ExecPolicyError(
      `Error loading rules:\n${file}:${line}: error: ${what} (problem is on or around line ${line})`,
    );
  };
  const tokens = tokenize(text, fail);
  const rules: PrefixRule[] = [];
  let i = 0;
  const next = () => tokens[i++];
  const expect = (t: string) => {
    const token = next();
    if (token?.text !== t || token.kind !== 'punct') fail(token?.line ?? lastLine(text), `expected \`${t}\``);
  };
  while (i < tokens.length) {
    const head = next() as Token;
    if (head.kind !== 'ident' || head.text !== 'prefix_rule') fail(head.line, `unexpected \`${head.text}\``);
    expect('(');
    const args: Record<string, unknown> = {};
    while (tokens[i]?.text !== ')') {
      const key = next();
      if (key?.kind !== 'ident') fail(key?.line ?? head.line, 'expected a keyword argument');
      expect('=');
      args[(key as Token).text] = value();
      if (tokens[i]?.text === ',') i++;
      else if (tokens[i]?.text !== ')') fail(tokens[i]?.line ?? head.line, 'expected `,` or `)`');
    }
    i++;
    for (const key of Object.keys(args))
      if (!['pattern', 'decision', 'justification', 'match', 'not_match'].includes(key))
        fail(head.line, `unexpected keyword argument \`${key}\``);
    const pattern = args.pattern;
    const valid =
      Array.isArray(pattern) &&
      pattern.length > 0 &&
      pattern.every(
        (p) =>
          typeof p === 'string' ||
          (Array.isArray(p) && p.length > 0 && p.every((q) => typeof q === 'string')),
      );
    if (!valid) fail(head.line, 'pattern must be a non-empty list of strings');
    const decision = args.decision ?? 'allow';
    if (typeof decision !== 'string' || !(DECISIONS as readonly string[]).includes(decision))
      fail(head.line, `invalid decision: ${String(decision)}`);
    const justification = args.justification;
    if (justification !== undefined && typeof justification !== 'string')
      fail(head.line, 'justification must be a string');
    rules.push({
      pattern: pattern as PrefixRule['pattern'],
      decision: decision as PolicyDecision,
      justification: justification as string | undefined,
    });
  }
  return rules;

  function value(): unknown {
    const token = next();
    if (token?.kind === 'string') return token.text;
    if (token?.text === '[') {
      const list: unknown[] = [];
      while (tokens[i]?.text !== ']') {
        if (i >= tokens.length) fail(token.line, 'unclosed `[`');
        list.push(value());
        if (tokens[i]?.text === ',') i++;
        else if (tokens[i]?.text !== ']') fail(tokens[i]?.line ?? token.line, 'expected `,` or `]`');
      }
      i++;
      return list;
    }
    return fail(token?.line ?? lastLine(text), `unexpected \`${token?.text ?? 'end of file'}\``);
  }
}

function lastLine(text: string): number {
  return text.split('\n').length;
}

function tokenize(text: string, fail: (line: number, what: string) => never): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\n') line++;
    else if (c === ' ' || c === '\t' || c === '\r') continue;
    else if (c === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if ('()[],='.includes(c)) tokens.push({ kind: 'punct', text: c, line });
    else if (c === '"' || c === "'") {
      let out = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) {
        if (text[j] === '\n') fail(line, 'unterminated string');
        if (text[j] === '\\' && j + 1 < text.length) {
          const e = text[++j] as string;
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
        } else out += text[j];
      }
      if (j >= text.length) fail(line, 'unterminated string');
      tokens.push({ kind: 'string', text: out, line });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j + 1 < text.length && /[A-Za-z0-9_]/.test(text[j + 1] as string)) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j + 1), line });
      i = j;
    } else fail(line, `unexpected character \`${c}\``);
  }
  return tokens;
}
