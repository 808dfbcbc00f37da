import { readFileSync } from 'node:fs';

/** Version of this CLI, read from its package.json (sent in `User-Agent` and the OpenAI `version` header). */
export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
