import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { applyConfigOverrides, parseConfigOverride } from './overrides.js';

describe('parseConfigOverride', () => {
  it('parses TOML values', () => {
    expect(parseConfigOverride('a=1').value).toBe(1);
    expect(parseConfigOverride('a = true').value).toBe(true);
    expect(parseConfigOverride('a="x=y"').value).toBe('x=y');
    expect(parseConfigOverride('a=[1, "b"]').value).toEqual([1, 'b']);
    expect({ ...(parseConfigOverride('a={ k = "v" }').value as object) }).toEqual({ k: 'v' });
  });

  it('falls back to a trimmed, unquoted string', () => {
    expect(parseConfigOverride('model=gpt-5.5').value).toBe('gpt-5.5');
    expect(parseConfigOverride('url= http://127.0.0.1:1/v1 ').value).toBe('http://127.0.0.1:1/v1');
    expect(parseConfigOverride('a="unterminated').value).toBe('unterminated');
    expect(parseConfigOverride('a=').value).toBe('');
  });

  it('does not let a value smuggle in extra keys', () => {
    expect(parseConfigOverride('a=1\nb = 2').value).toBe('1\nb = 2');
  });

  it('splits dotted keys and honours quoted segments', () => {
    expect(parseConfigOverride('model_providers.my.base_url=x').path).toEqual([
      'model_providers',
      'my',
      'base_url',
    ]);
    const quoted = parseConfigOverride('model_providers."a.b".name=x');
    expect(quoted.path).toEqual(['model_providers', 'a.b', 'name']);
    expect(quoted.key).toBe('model_providers."a.b".name');
  });

  it('rejects malformed overrides', () => {
    for (const raw of ['novalue', '=1', ' =1', 'a..b=1', 'a.=1', '__proto__.x=1', '"unterminated=1']) {
      expect(() => parseConfigOverride(raw), raw).toThrow(ConfigError);
    }
  });
});

describe('applyConfigOverrides', () => {
  it('sets nested values, creating or replacing intermediate tables', () => {
    const table: Record<string, unknown> = { a: 1, b: { c: 2 } };
    applyConfigOverrides(table, [
      parseConfigOverride('a.x=1'),
      parseConfigOverride('b.d=3'),
      parseConfigOverride('e.f.g=4'),
    ]);
    expect(table).toEqual({ a: { x: 1 }, b: { c: 2, d: 3 }, e: { f: { g: 4 } } });
  });

  it('applies later overrides last', () => {
    const table: Record<string, unknown> = {};
    applyConfigOverrides(table, [parseConfigOverride('m=a'), parseConfigOverride('m=b')]);
    expect(table).toEqual({ m: 'b' });
  });
});
