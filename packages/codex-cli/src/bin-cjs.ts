#!/usr/bin/env node
// The `codex-ts` binary (`dist/bin.cjs`, the package's `bin`): the launcher of launch/launcher.ts as
// a CommonJS file. Node runs a CommonJS main module without its ES module loader, which costs
// ~10 ms of CPU before the first line of an ES module entry runs (`dist/bin.js` is that entry, kept
// for whoever runs it directly). Built on its own by tsup (`format: cjs`), node built-ins only.
import { launch } from './launch/launcher.js';

launch(process.argv.slice(2), __dirname);
