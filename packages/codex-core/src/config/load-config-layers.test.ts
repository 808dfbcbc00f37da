import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { featureFlagOverrides, isKnownFeature, KNOWN_FEATURES } from '../index.js';
import { useConfigHome } from '../test/index.js';

const { home, file, load, loadError } = await useConfigHome();
const requirementsFile = join(home, 'requirements.toml');
const devFile = join(home, 'dev.config.toml');
afterEach(async () => {
  await rm(requirementsFile, { force: true });
  await rm(devFile, { force: true });
});

describe('loadConfig: unrecognized settings (0.169.0 is lenient unless --strict-config)', () => {
  it('drops unknown keys of the file and of -c with one warning naming each and its layer', async () => {
    const config = await load(
      'zzz = 2\nmodel = "m"\n[model_providers.local]\nbase_url = "http://x/v1"\nextra = 1\n[features]\nbad_feature = true\nshell_tool = false\n',
      { overrides: ['foo_bar=1'] },
    );
    expect(config.model).toBe('m');
    expect(config.modelProviders.local?.baseUrl).toBe('http://x/v1');
    expect(config.features.shell_tool).toBe(false);
    expect(config.warnings).toEqual([
      [
        'Codex is ignoring 4 unrecognized configuration settings. Check for typos or deprecated settings.',
        `  user (${file}): \`features.bad_feature\` is ignored.`,
        '  session-flags: `foo_bar` is ignored.',
        `  user (${file}): \`model_providers.local.extra\` is ignored.`,
        `  user (${file}): \`zzz\` is ignored.`,
      ].join('\n'),
    ]);
    expect((await load('model = "m"\n')).warnings).toEqual([]);
  });

  it('uses the singular for one setting', async () => {
    const config = await load('', { overrides: ['features.nonsense_feat=true'] });
    expect(config.warnings).toEqual([
      'Codex is ignoring 1 unrecognized configuration setting. Check for typos or deprecated settings.\n  session-flags: `features.nonsense_feat` is ignored.',
    ]);
  });

  it('fails on the first unknown key in file order under strictConfig, pointing at it', async () => {
    const error = await loadError(
      'model = "m"\n\n[model_providers.local]\nname = "l"\n  foo_bar = 1\nzzz = 3\n',
      {
        strictConfig: true,
      },
    );
    expect(error.code).toBe('unknown_key');
    expect(error.message).toBe(
      `Error loading config.toml:\n${file}:5:3: unknown configuration field \`model_providers.local.foo_bar\`\n  |\n5 |   foo_bar = ***\n  |   ^^^^^^^`,
    );
  });

  it('reports -c first, then config.toml, then the profile file under strictConfig, as 0.169.0', async () => {
    await writeFile(devFile, 'aaa_profile = 1\n');
    let error = await loadError('model = "m"\n\nzzz_base = 1\n', { strictConfig: true, profile: 'dev' });
    expect(error.message.split('\n')[1]).toBe(`${file}:3:1: unknown configuration field \`zzz_base\``);
    error = await loadError('zzz_base = 1\n', { strictConfig: true, profile: 'dev', overrides: ['yyy=1'] });
    expect(error.message).toBe(
      'Error loading config.toml: unknown configuration field `yyy` in -c/--config override',
    );
  });

  it('never shows the value of a mistyped key in the strict error (it may be a credential)', async () => {
    const error = await loadError('[model_providers.p]\nexperimental_bearer_tokn = "sk-secret-123"\n', {
      strictConfig: true,
    });
    expect(error.message).not.toContain('sk-secret-123');
    expect(error.message).toContain('\n2 | experimental_bearer_tokn = ***\n');
  });

  it('still rejects bad values of known keys', async () => {
    const error = await loadError('model_verbosity = "loud"\nbogus = 1\n');
    expect(error.code).toBe('invalid_value');
    expect(error.keyPath).toBe('model_verbosity');
  });
});

describe('loadConfig: -p profile files (0.169.0)', () => {
  it('layers <name>.config.toml over config.toml, -c winning; a missing file adds nothing', async () => {
    await writeFile(devFile, 'model = "from-profile"\nmodel_verbosity = "high"\nbogus_key = 1\n');
    let config = await load('model = "base"\nmodel_reasoning_effort = "low"\n', { profile: 'dev' });
    expect(config).toMatchObject({
      profile: 'dev',
      profileFile: devFile,
      model: 'from-profile',
      modelVerbosity: 'high',
      modelReasoningEffort: 'low',
    });
    expect(config.warnings[0]).toContain(`user (${devFile}): \`bogus_key\` is ignored.`);
    config = await load(undefined, { profile: 'dev', overrides: ['model=cli'] });
    expect(config.model).toBe('cli');
    config = await load(undefined, { profile: 'nothere' });
    expect(config.model).toBe('base');
  });

  it('names the profile file for its unknown keys, also under [features] and in strict mode', async () => {
    await writeFile(
      devFile,
      '[features]\nbogus_feature = true\n[model_providers.p]\nbase_url = "http://x/v1"\nextra = 1\n',
    );
    const config = await load('model = "base"\n', { profile: 'dev' });
    expect(config.warnings).toEqual([
      [
        'Codex is ignoring 2 unrecognized configuration settings. Check for typos or deprecated settings.',
        `  user (${devFile}): \`features.bogus_feature\` is ignored.`,
        `  user (${devFile}): \`model_providers.p.extra\` is ignored.`,
      ].join('\n'),
    ]);
    const error = await loadError('model = "base"\n', { profile: 'dev', strictConfig: true });
    expect(error.message).toBe(
      `Error loading config.toml:\n${devFile}:2:1: unknown configuration field \`features.bogus_feature\`\n  |\n2 | bogus_feature = ***\n  | ^^^^^^^^^^^^^`,
    );
  });

  it('applies -c into a copy: an override under [profiles] does not make config.toml a legacy profile', async () => {
    const config = await load('model = "base"\n[profiles.other]\nmodel = "m-other"\n', {
      profile: 'dev',
      overrides: ['profiles.dev.model=x'],
    });
    expect(config.model).toBe('base');
  });

  it('refuses the legacy selector and -p next to a legacy table of the same name', async () => {
    let error = await loadError('profile = "dev"\n');
    expect(error.message).toBe(
      'legacy `profile = "dev"` config is no longer supported; use `--profile dev` with `dev.config.toml` instead',
    );
    error = await loadError('', { overrides: ['profile=zzz'] });
    expect(error.message).toContain('legacy `profile = "zzz"`');
    error = await loadError('[profiles.dev]\nmodel = "x"\n', { profile: 'dev' });
    expect(error.message).toBe(
      `Error loading config.toml: --profile \`dev\` cannot be used while ${file} contains legacy \`profile = "dev"\` or \`[profiles.dev]\` config; move those settings into ${devFile} and remove the legacy profile selector/table. See https://developers.openai.com/codex/config-advanced#profiles for more information.`,
    );
    const other = await load('model = "base"\n[profiles.other]\nmodel = "m-other"\n', { profile: 'dev' });
    expect(other.model).toBe('base');
  });

  it('rejects a profile name that is not a plain name', async () => {
    for (const name of ['../x', 'a.b', '', 'a b']) {
      const error = await loadError(undefined, { profile: name });
      expect(error.message).toBe(`invalid --profile value \`${name}\`; pass a plain name such as \`work\``);
    }
  });

  it('ignores config.toml with ignoreUserConfig', async () => {
    const config = await load('model = "base"\n', { ignoreUserConfig: true });
    expect(config.model).toBeUndefined();
  });
});

describe('loadConfig: features and requirements.toml', () => {
  it('knows the 0.169.0 feature list and turns --enable/--disable into overrides', () => {
    expect(KNOWN_FEATURES).toHaveLength(215);
    expect(isKnownFeature('shell_tool')).toBe(true);
    expect(featureFlagOverrides(['unified_exec'], ['shell_tool'])).toEqual([
      'features.unified_exec=true',
      'features.shell_tool=false',
    ]);
    expect(() => featureFlagOverrides(['nonsense_feat'], [])).toThrow('Unknown feature flag: nonsense_feat');
  });

  it('lets pinned features win over config.toml and -c, silently as 0.169.0', async () => {
    await writeFile(requirementsFile, '[features]\nshell_tool = false\nunified_exec = true\n');
    const config = await load('[features]\nshell_tool = true\n', {
      requirementsFile,
      overrides: ['features.unified_exec=false'],
    });
    expect(config.features.shell_tool).toBe(false);
    expect(config.features.unified_exec).toBe(true);
    expect(config.warnings).toEqual([]);
    const unpinned = await load('[features]\nshell_tool = false\n');
    expect(unpinned.features.shell_tool).toBe(false);
    expect(unpinned.features.unified_exec).toBe(true);
  });

  it('finds requirements.toml through CODEX_TS_REQUIREMENTS_FILE', async () => {
    await writeFile(requirementsFile, '[features]\nshell_tool = false\n');
    const config = await load('', { env: { CODEX_TS_REQUIREMENTS_FILE: requirementsFile } });
    expect(config.features.shell_tool).toBe(false);
  });

  it('warns about unknown pins and keys, and fails on a pin that is not a boolean, naming it', async () => {
    await writeFile(requirementsFile, 'bogus_top = 1\n[features]\nbogus_x = false\n');
    const config = await load('', { requirementsFile });
    expect(config.warnings).toEqual([
      `Codex is ignoring 1 unrecognized configuration setting. Check for typos or deprecated settings.\n  requirements (${requirementsFile}): \`bogus_top\` is ignored.`,
      `Ignoring unknown \`features\` requirement \`bogus_x\` from ${requirementsFile}`,
    ]);
    await writeFile(requirementsFile, '[features]\nshell_tool = "x"\n');
    const error = await loadError('', { requirementsFile });
    expect(error.keyPath).toBe('features');
    expect(error.message).toBe(
      `Error loading config.toml: failed to parse requirements layer ${requirementsFile}: invalid type: string "x", expected a boolean\nin \`features\``,
    );
  });
});
