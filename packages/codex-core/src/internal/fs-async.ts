// The `node:fs/promises` functions this package uses, without loading that module when the package
// loads: it brings node's readline and fs-watcher modules (~1 ms of a short `codex-ts exec` turn,
// which reads config.toml and stats a few paths). Each is the callback function of `node:fs` made
// a promise (`util.promisify`: the same results and the same errors); `open`, whose `FileHandle`
// only `node:fs/promises` gives, loads that module on its first call. Internal to the package.
import {
  access as accessCallback,
  mkdir as mkdirCallback,
  readdir as readdirCallback,
  readFile as readFileCallback,
  realpath as realpathCallback,
  rename as renameCallback,
  rm as rmCallback,
  stat as statCallback,
  writeFile as writeFileCallback,
} from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { promisify } from 'node:util';

export const access = promisify(accessCallback);
export const mkdir = promisify(mkdirCallback);
export const readdir = promisify(readdirCallback);
export const readFile = promisify(readFileCallback);
/** The native realpath(3), as `node:fs/promises` `realpath` (not the JavaScript walk of `fs.realpath`). */
export const realpath = promisify(realpathCallback.native);
export const rename = promisify(renameCallback);
export const rm = promisify(rmCallback);
export const stat = promisify(statCallback);
export const writeFile = promisify(writeFileCallback);

/** `node:fs/promises` `open` (a `FileHandle`), loading that module on the first call. */
export function open(...args: Parameters<typeof FsPromises.open>): ReturnType<typeof FsPromises.open> {
  return (process.getBuiltinModule('node:fs/promises') as typeof FsPromises).open(...args);
}
