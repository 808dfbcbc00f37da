// The `node:fs/promises` functions this package uses, without loading that module when the package
// loads (it brings node's readline and fs-watcher modules, ~1 ms of a short `codex-ts exec` turn):
// the callback functions of `node:fs` made promises (`util.promisify`: the same results and the
// same errors). Internal to the package.
import { mkdir as mkdirCallback, readFile as readFileCallback, rm as rmCallback } from 'node:fs';
import { promisify } from 'node:util';

export const mkdir = promisify(mkdirCallback);
export const readFile = promisify(readFileCallback);
export const rm = promisify(rmCallback);
