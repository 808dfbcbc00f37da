import { describe, expect, it } from 'vitest';
import { installName, MAX_QUICK_START_LINES, parseQuickStart, upstreamLine } from './readme.mjs';

const readme = (section: string) =>
  `# @codex-ts/x\n\nIntro.\n\n## Quick start\n\n${section}\n## Usage\n\n\`\`\`js\nignored();\n\`\`\`\n`;

describe('parseQuickStart', () => {
  it('reads the install line, the js block and the other sh lines of the section only', () => {
    const quick = parseQuickStart(
      readme(
        "```sh\nnpm install @codex-ts/x @opentelemetry/api@^1.9.0 # and its peer\nexport KEY=sk-... # comment\n\n# only a comment\nnpx x run\n```\n\n```js\nimport { x } from '@codex-ts/x';\nx();\n```\n",
      ),
    );
    expect(quick).toEqual({
      install: ['@codex-ts/x', '@opentelemetry/api@^1.9.0'],
      js: "import { x } from '@codex-ts/x';\nx();",
      commands: ['export KEY=sk-...', 'npx x run'],
    });
  });

  it('names what is wrong', () => {
    expect(() => parseQuickStart('# x\n\n## Usage\n')).toThrow('no "## Quick start" section');
    expect(() => parseQuickStart(readme('```js\nx();\n```\n'))).toThrow('no `npm install …` line');
    expect(() => parseQuickStart(readme('```sh\nnpm install x\n```\n'))).toThrow('runs nothing');
    expect(() =>
      parseQuickStart(readme('```sh\nnpm i x\n```\n```js\na();\n```\n```js\nb();\n```\n')),
    ).toThrow('more than one `js` block');
    expect(() => parseQuickStart(readme('```sh\nnpm i x\n```\n```js\nx();\n'))).toThrow('unterminated');
    const long = Array.from({ length: MAX_QUICK_START_LINES + 1 }, (_, i) => `step${i}();`).join('\n');
    expect(() => parseQuickStart(readme(`\`\`\`sh\nnpm i x\n\`\`\`\n\`\`\`js\n${long}\n\`\`\`\n`))).toThrow(
      `is ${MAX_QUICK_START_LINES + 1} lines long`,
    );
  });
});

describe('upstreamLine and installName', () => {
  it('finds the upstream line and strips versions from install arguments', () => {
    expect(upstreamLine('# x\n\n**Upstream:** codex-rs `a.rs`.\n')).toBe('**Upstream:** codex-rs `a.rs`.');
    expect(upstreamLine('# x\n\nUpstream: no marker\n')).toBeUndefined();
    expect(installName('@opentelemetry/api@^1.9.0')).toBe('@opentelemetry/api');
    expect(installName('@codex-ts/api')).toBe('@codex-ts/api');
    expect(installName('zod@4')).toBe('zod');
  });
});
