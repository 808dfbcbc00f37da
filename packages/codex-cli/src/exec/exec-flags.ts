import { CommanderError, Option } from 'commander';
import type { OutputSink } from '../output/jsonl-printer.js';

/** clap's usage block of `codex exec`, appended to some of its errors (with the blank line before it). */
export const USAGE = '\n\nUsage: codex exec [OPTIONS] [PROMPT]\n       codex exec [OPTIONS] <COMMAND> [ARGS]';

/**
 * Writes a usage error the way clap (the original's parser) prints it — "error: <message>",
 * a blank line, "For more information, try '--help'." — and throws a silent CommanderError
 * (exit code 2) for `main` to turn into the exit code.
 */
export function clapError(stderr: OutputSink, message: string): never {
  stderr.write(`error: ${message}\n\nFor more information, try '--help'.\n`);
  throw new CommanderError(2, 'codex-ts.usage', message);
}

/**
 * An option taking one of `choices`; any other value is refused with clap's text:
 * "error: invalid value 'x' for '--color <COLOR>'\n  [possible values: always, never, auto]",
 * then "\n\n  tip: a similar value exists: '<choice>'" when a choice is similar (Jaro above 0.7).
 * Given twice: "the argument '<display>' cannot be used multiple times" and `usage` (default
 * `exec`'s {@link USAGE}).
 */
export function choiceOption(
  flags: string,
  display: string,
  description: string,
  choices: readonly string[],
  stderr: OutputSink,
  usage = USAGE,
): Option {
  return new Option(flags, description).argParser((value: string, previous: unknown) => {
    if (previous !== undefined) {
      clapError(stderr, `the argument '${display}' cannot be used multiple times${usage}`);
    }
    if (!choices.includes(value)) {
      const similar = mostSimilar(value, choices);
      const tip = similar === undefined ? '' : `\n\n  tip: a similar value exists: '${similar}'`;
      stderr.write(
        `error: invalid value '${value}' for '${display}'\n  [possible values: ${choices.join(', ')}]${tip}\n\nFor more information, try '--help'.\n`,
      );
      throw new CommanderError(2, 'codex-ts.usage', `invalid value for ${display}`);
    }
    return value;
  });
}

/** A repeatable option: every value appended to a `string[]` (default `[]`). */
export function listOption(flags: string, description: string): Option {
  return new Option(flags, description)
    .argParser((value: string, previous: string[]) => [...previous, value])
    .default([]);
}

/**
 * `-i, --image <FILE>...` of `exec`: clap's `num_args = 1..` with `,` as a delimiter: each value
 * may list several files (`-i a.png,b.png`), and the option takes every following argument until
 * the next option (so `-i a.png "prompt"` swallows the prompt, as in the original). With
 * `variadic = false` (`exec resume`'s `-i <FILE>`, `num_args = 1`) it takes one argument.
 */
export function imageOption(
  description = 'Optional image(s) to attach to the initial prompt',
  variadic = true,
): Option {
  return new Option(variadic ? '-i, --image <FILE...>' : '-i, --image <FILE>', description)
    .argParser((value: string, previous: string[] | undefined) => [
      ...(previous ?? []),
      ...value.split(',').filter((part) => part !== ''),
    ])
    .default([]);
}

/**
 * `-p, --profile <CONFIG_PROFILE_V2>`: a plain name (ASCII letters, digits, `_`, `-`); anything
 * else is refused with clap's text "error: invalid value '<v>' for '--profile
 * <CONFIG_PROFILE_V2>': invalid --profile value `<v>`; pass a plain name such as `work`".
 */
export function profileOption(stderr: OutputSink): Option {
  return new Option(
    '-p, --profile <CONFIG_PROFILE_V2>',
    'Layer $CODEX_HOME/<name>.config.toml on top of the base user config',
  ).argParser((value: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(value)) {
      clapError(
        stderr,
        `invalid value '${value}' for '--profile <CONFIG_PROFILE_V2>': invalid --profile value \`${value}\`; pass a plain name such as \`work\``,
      );
    }
    return value;
  });
}

/**
 * clap's error for an unknown option of `codex exec` (exit 2): "error: unexpected argument
 * '<flag>' found", a tip — "a similar argument exists: '--<name>'" for the long option most
 * similar to a `--` flag (Jaro similarity above 0.7, as clap's suggestion), else "to pass
 * '<flag>' as a value, use '-- <flag>'" — then {@link USAGE} and "For more information, try
 * '--help'.".
 */
export function unexpectedArgument(stderr: OutputSink, flag: string, longFlags: readonly string[]): never {
  const names = longFlags.map((long) => long.replace(/^--/, ''));
  const similar = flag.startsWith('--') ? mostSimilar(flag.slice(2), names) : undefined;
  const tip = similar
    ? `a similar argument exists: '--${similar}'`
    : `to pass '${flag}' as a value, use '-- ${flag}'`;
  return clapError(stderr, `unexpected argument '${flag}' found\n\n  tip: ${tip}${USAGE}`);
}

/** The candidate most similar to `value` with a Jaro similarity above 0.7 (clap's suggestion), if any. */
function mostSimilar(value: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const score = jaro(value, name);
    if (score > 0.7 && (best === undefined || score > best.score)) best = { name, score };
  }
  return best?.name;
}

/** Jaro similarity of two strings (0…1), by UTF-16 code unit. */
function jaro(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a[i] !== b[j]) transpositions++;
    j++;
  }
  return (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
}
