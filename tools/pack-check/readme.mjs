// What the publish check reads from a package README: the "Quick start" section (its install
// line and the code it runs) and the one-line "Upstream" note naming where the behaviour comes from.

/** Longest quick start we accept, in non-blank code lines (the target is about 10). */
export const MAX_QUICK_START_LINES = 20;

/** Marker of the line that names the upstream source of the package's behaviour. */
export const UPSTREAM_MARKER = '**Upstream:**';

/**
 * Parses the `## Quick start` section of a README (up to the next `## ` heading).
 *
 * Returns `{ install, js, commands }`: `install` lists the packages named on the `npm install`
 * line(s) of its `sh` blocks, `js` is the one `js` block (run as an ES module), `commands` are
 * the other non-comment lines of its `sh` blocks (run one by one with `sh -c`). Throws an Error
 * naming the problem when the section is missing, installs nothing, runs nothing, has more than
 * one `js` block, or is longer than {@link MAX_QUICK_START_LINES}.
 */
export function parseQuickStart(readme) {
  const lines = readme.split(/\r?\n/);
  const start = lines.findIndex((line) => /^##\s+quick start\s*$/i.test(line));
  if (start === -1) throw new Error('no "## Quick start" section');
  let end = lines.findIndex((line, i) => i > start && /^##\s/.test(line));
  if (end === -1) end = lines.length;

  const install = [];
  const commands = [];
  const jsBlocks = [];
  let fence;
  let block = [];
  for (const line of lines.slice(start + 1, end)) {
    const marker = /^```\s*([\w-]*)\s*$/.exec(line);
    if (marker && fence === undefined) {
      fence = marker[1] || 'text';
      block = [];
      continue;
    }
    if (/^```\s*$/.test(line) && fence !== undefined) {
      if (fence === 'js' || fence === 'javascript') jsBlocks.push(block.join('\n'));
      if (fence === 'sh' || fence === 'bash' || fence === 'shell') {
        for (const raw of block) {
          const text = raw.replace(/\s+#.*$/, '').trim();
          if (text === '' || text.startsWith('#')) continue;
          const npm = /^npm\s+(?:install|i|add)\s+(.*)$/.exec(text);
          if (npm) install.push(...npm[1].split(/\s+/).filter((word) => word && !word.startsWith('-')));
          else commands.push(text);
        }
      }
      fence = undefined;
      continue;
    }
    if (fence !== undefined) block.push(line);
  }
  if (fence !== undefined) throw new Error('unterminated code block in "Quick start"');
  if (install.length === 0) throw new Error('"Quick start" has no `npm install …` line');
  if (jsBlocks.length > 1) throw new Error('"Quick start" has more than one `js` block');
  const js = jsBlocks[0];
  if (js === undefined && commands.length === 0) throw new Error('"Quick start" runs nothing');
  const size = (js ?? '').split('\n').filter((line) => line.trim() !== '').length + commands.length;
  if (size > MAX_QUICK_START_LINES) {
    throw new Error(`"Quick start" is ${size} lines long (at most ${MAX_QUICK_START_LINES})`);
  }
  return { install, js, commands };
}

/** The README line starting with {@link UPSTREAM_MARKER}, or undefined. */
export function upstreamLine(readme) {
  return readme.split(/\r?\n/).find((line) => line.startsWith(UPSTREAM_MARKER));
}

/** Package name of an install argument: `@scope/name@^1` → `@scope/name`, `name@2` → `name`. */
export function installName(spec) {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at === -1 ? spec : spec.slice(0, at);
}
