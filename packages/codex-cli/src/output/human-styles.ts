// ANSI styles of `codex exec`'s human output (stderr), as 0.169.0 writes them with `--color always`.

/** The styles of the human output; each wraps its text in the ANSI codes, or returns it as is without color. */
export interface HumanStyles {
  bold(text: string): string;
  dim(text: string): string;
  cyan(text: string): string;
  green(text: string): string;
  red(text: string): string;
  /** Magenta italic: the `codex` and `exec` labels. */
  label(text: string): string;
  /** Bold yellow: `warning:`. */
  warning(text: string): string;
  /** Bold red: `ERROR:`. */
  error(text: string): string;
}

const wrap =
  (...codes: number[]) =>
  (text: string): string =>
    `${codes.map((c) => `\x1b[${c}m`).join('')}${text}${'\x1b[0m'.repeat(codes.length)}`;

const ANSI: HumanStyles = {
  bold: wrap(1),
  dim: wrap(2),
  cyan: wrap(36),
  green: wrap(32),
  red: wrap(31),
  label: wrap(35, 3),
  warning: wrap(1, 33),
  error: wrap(1, 31),
};

const same = (text: string): string => text;
const PLAIN: HumanStyles = {
  bold: same,
  dim: same,
  cyan: same,
  green: same,
  red: same,
  label: same,
  warning: same,
  error: same,
};

/** The styles for `color`: ANSI codes when true, plain text otherwise. */
export function humanStyles(color: boolean): HumanStyles {
  return color ? ANSI : PLAIN;
}

/** `1,250,913`: a token count with a comma every three digits, as 0.169.0 prints `tokens used`. */
export function formatTokenCount(count: number): string {
  return String(Math.max(0, Math.trunc(count))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
