import { Option } from 'commander';

/**
 * A new `-c, --config <key=value>` option for one subcommand (`exec`, `login`, `login status`,
 * `logout`): repeatable, each value appended in order to a `string[]` (default `[]`), handed to
 * `loadConfig` as config.toml overrides (a TOML value, or a plain string).
 */
export function configOption(): Option {
  return new Option(
    '-c, --config <key=value>',
    'override a config.toml value (TOML value, or a plain string)',
  )
    .argParser((value: string, previous: string[]) => [...previous, value])
    .default([]);
}
