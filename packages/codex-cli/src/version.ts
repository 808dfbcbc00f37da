/** Replaced by the version of package.json at build time (tsup `define`, and vitest's `define`). */
declare const __CODEX_TS_CLI_VERSION__: string;

/** Version of this CLI, from its package.json (sent in `User-Agent` and the OpenAI `version` header). */
export const CLI_VERSION: string = __CODEX_TS_CLI_VERSION__;
