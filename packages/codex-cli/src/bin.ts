#!/usr/bin/env node
// The `codex-ts` binary: a launcher that imports node built-ins only (see launch/launcher.ts).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './launch/launcher.js';

launch(process.argv.slice(2), dirname(fileURLToPath(import.meta.url)));
