// Imported first by cli-entry.ts, so it runs before any module of the bundle builds a schema (zod
// decides per object schema, when it is built, whether to generate a parser): the bundle's own zod
// copy runs without the `new Function` probe and without generated parsers, which cost more to
// make than they save for the handful of values each schema parses in one run.
import { config } from 'zod';

/** True once zod's global config says `jitless` (always, after this module ran). */
export const ZOD_JITLESS: boolean = config({ jitless: true }).jitless === true;
