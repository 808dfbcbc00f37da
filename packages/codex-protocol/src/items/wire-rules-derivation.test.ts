import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeOrdered } from '../internal/ordered.js';
import { compileSpecs, fieldSpecs, specsByType, wireFields, wireValues } from './wire-rules.js';

const Part = z
  .looseObject({ type: z.literal('p'), text: z.string() })
  .register(wireValues, { writer: 'part' });
const Output = z.union([z.string(), z.array(Part)]).register(wireValues, { writer: 'output' });

describe('rules derived from a schema', () => {
  it('shape order, modes from nullable().default(null), writers from the value schemas', () => {
    const Schema = z.looseObject({
      type: z.literal('x'),
      b: z.string().nullish(),
      a: z.string().nullable().default(null),
      parts: z.array(Part),
      maybeParts: z.array(Part).nullable().default(null),
      out: Output.optional(),
      plain: z.array(z.unknown()),
      value: z.unknown().register(wireFields, { always: true }),
    });
    expect(fieldSpecs(Schema)).toStrictEqual([
      { key: 'type', mode: 'opt' },
      { key: 'b', mode: 'opt' },
      { key: 'a', mode: 'always' },
      { key: 'parts', mode: 'opt', writer: 'parts' },
      { key: 'maybeParts', mode: 'always', writer: 'parts' },
      { key: 'out', mode: 'opt', writer: 'output' },
      { key: 'plain', mode: 'opt' },
      { key: 'value', mode: 'always' },
    ]);
  });

  it('omitIf drops a present value and leaves an absent one to the mode', () => {
    const isEmpty = (value: unknown) => Array.isArray(value) && value.length === 0;
    const Schema = z.looseObject({
      list: z.array(z.number()).nullable().default(null).register(wireFields, { omitIf: isEmpty }),
      after: z.string(),
    });
    const rules = compileSpecs(fieldSpecs(Schema));
    expect(JSON.stringify(writeOrdered({ after: 'z', list: [] }, rules, undefined))).toBe('{"after":"z"}');
    expect(JSON.stringify(writeOrdered({ after: 'z' }, rules, undefined))).toBe('{"list":null,"after":"z"}');
    expect(JSON.stringify(writeOrdered({ after: 'z', list: [1] }, rules, undefined))).toBe(
      '{"list":[1],"after":"z"}',
    );
  });

  it('specsByType gives one entry per type literal or enum value', () => {
    const A = z.looseObject({ type: z.enum(['a1', 'a2']), n: z.number() });
    const B = z.looseObject({ type: z.literal('b') });
    expect(Object.keys(specsByType([A, B]))).toStrictEqual(['a1', 'a2', 'b']);
    expect(specsByType([A]).a2).toStrictEqual([
      { key: 'type', mode: 'opt' },
      { key: 'n', mode: 'opt' },
    ]);
  });
});

describe('schemas the derivation refuses (at module load, not while serialising)', () => {
  it('a field holding a single part', () => {
    expect(() => fieldSpecs(z.looseObject({ one: Part }))).toThrow(/single part/);
  });

  it('an array of a non-part writer', () => {
    expect(() => fieldSpecs(z.looseObject({ outs: z.array(Output) }))).toThrow(/array of output/);
  });

  it('a non-object schema, a typed schema without a string type, two schemas for one type', () => {
    expect(() => fieldSpecs(z.string())).toThrow(/object schema/);
    expect(() => specsByType([z.looseObject({ type: z.number() })])).toThrow(/"type" field/);
    expect(() =>
      specsByType([z.looseObject({ type: z.literal('t') }), z.looseObject({ type: z.literal('t') })]),
    ).toThrow(/two schemas/);
  });

  it('a writer the serialiser does not supply', () => {
    expect(() => compileSpecs(fieldSpecs(z.looseObject({ parts: z.array(Part) })))).toThrow(
      /no parts writer/,
    );
  });
});
