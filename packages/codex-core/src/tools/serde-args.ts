// Tool-call argument parsing with the error texts of codex-cli 0.169.0, whose tools read their
// JSON arguments with serde_json into typed structs: the first error in reading order wins and is
// reported as `<what> at line L column C` (columns in UTF-8 bytes, as serde_json counts them).

/** The type of one field, as the original's struct declares it. */
export type SerdeFieldType =
  | 'string'
  | 'bool'
  | 'u64'
  | 'usize'
  | 'i32'
  | 'string_seq'
  | { readonly variants: readonly string[] }
  | { readonly struct: string };

/** One field: its type, whether `null` is accepted (`Option<T>`) and whether it must be present. */
export interface SerdeField {
  readonly type: SerdeFieldType;
  readonly nullable?: boolean;
  readonly required?: boolean;
}

/** A struct the arguments are read into: its name (in "expected struct X") and its fields in declaration order. */
export interface SerdeStruct {
  readonly name: string;
  readonly fields: Readonly<Record<string, SerdeField>>;
}

/** An argument-parsing failure; `message` is serde_json's text with its position. */
export class SerdeArgsError extends Error {
  override readonly name = 'SerdeArgsError';
}

type Scalar =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string };

const WS = new Set([' ', '\n', '\t', '\r']);

/**
 * Reads `raw` (a JSON text) into `shape` as serde_json's `from_str` does and returns the fields
 * present (unknown fields ignored; `null` kept for nullable ones). Syntax errors (`key must be a
 * string`, `EOF while parsing an object`, `trailing comma`, `expected value`, `invalid escape`, …),
 * type errors (`invalid type: integer \`5\`, expected a string`, `invalid value: integer \`-1\`,
 * expected usize`), `missing field`, `duplicate field` and `unknown variant` come with serde_json's
 * line and column. A top-level array is read positionally, as serde does (declared field order).
 *
 * @throws SerdeArgsError on the first error.
 */
export function deserializeArgs(raw: string, shape: SerdeStruct): Record<string, unknown> {
  const reader = new Reader(raw);
  const out = reader.topLevel(shape);
  const next = reader.skipWhitespace();
  if (next !== undefined) reader.fail('trailing characters', true);
  return out;
}

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string, peek = false): never {
    const at = peek && this.i < this.s.length ? this.i + 1 : this.i;
    const before = this.s.slice(0, at);
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = before.split('\n').length;
    throw new SerdeArgsError(`${what} at line ${line} column ${Buffer.byteLength(before.slice(lineStart))}`);
  }

  skipWhitespace(): string | undefined {
    while (this.i < this.s.length && WS.has(this.s[this.i] as string)) this.i++;
    return this.s[this.i];
  }

  topLevel(shape: SerdeStruct): Record<string, unknown> {
    const c = this.skipWhitespace();
    if (c === undefined) this.fail('EOF while parsing a value');
    if (c === '{') return this.object(shape);
    if (c === '[') return this.sequence(shape);
    const unexpected = this.scalarUnexpected(c);
    this.fail(`invalid type: ${unexpected}, expected struct ${shape.name}`);
  }

  object(shape: SerdeStruct): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    let first = true;
    for (;;) {
      let c = this.skipWhitespace();
      if (c === '}') break;
      if (c === undefined) this.fail('EOF while parsing an object', true);
      if (!first) {
        if (c !== ',') this.fail('expected `,` or `}`', true);
        this.i++;
        c = this.skipWhitespace();
      }
      first = false;
      if (c === '}') this.fail('trailing comma', true);
      if (c === undefined) this.fail('EOF while parsing a value', true);
      if (c !== '"') this.fail('key must be a string', true);
      const key = this.string();
      const field = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
      if (field !== undefined && Object.hasOwn(out, key)) this.structFail(`duplicate field \`${key}\``);
      const colon = this.skipWhitespace();
      if (colon === undefined) this.fail('EOF while parsing an object', true);
      if (colon !== ':') this.fail('expected `:`', true);
      this.i++;
      if (field === undefined) this.ignoredValue();
      else out[key] = this.fieldValue(field);
    }
    for (const [name, field] of Object.entries(shape.fields))
      if (field.required && !Object.hasOwn(out, name)) {
        this.i++; // serde reports a missing field after the closing brace
        this.structFail(`missing field \`${name}\``, true);
      }
    this.i++;
    return out;
  }

  /** An error of the struct visitor: positioned after serde_json's `end_map` looked for `}`. */
  structFail(what: string, consumed = false): never {
    if (!consumed) this.skipWhitespace();
    this.fail(what);
  }

  sequence(shape: SerdeStruct): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    const names = Object.keys(shape.fields);
    for (const [index, name] of names.entries()) {
      const c = this.skipWhitespace();
      if (index > 0 && c === ',') {
        this.i++;
        this.skipWhitespace();
      } else if (index > 0 && c !== ']' && c !== undefined) this.fail('expected `,` or `]`', true);
      if (this.s[this.i] === ']' || this.s[this.i] === undefined) {
        const what = `struct ${shape.name} with ${names.length} element${names.length === 1 ? '' : 's'}`;
        if (this.s[this.i] === ']') this.i++;
        this.fail(`invalid length ${index}, expected ${what}`);
      }
      out[name] = this.fieldValue(shape.fields[name] as SerdeField);
    }
    const c = this.skipWhitespace();
    if (c === undefined) this.fail('EOF while parsing a list', true);
    if (c === ',') {
      this.i++;
      this.fail(this.skipWhitespace() === ']' ? 'trailing comma' : 'trailing characters', true);
    }
    if (c !== ']') this.fail('expected `,` or `]`', true);
    this.i++;
    return out;
  }

  fieldValue(field: SerdeField): unknown {
    const c = this.skipWhitespace();
    if (c === undefined) this.fail('EOF while parsing a value', true);
    if (field.nullable && c === 'n') {
      this.ident('null');
      return null;
    }
    const type = field.type;
    if (typeof type === 'object' && 'variants' in type) return this.variant(type.variants);
    if (c === '[') {
      if (type !== 'string_seq') this.fail(`invalid type: sequence, expected ${expected(type)}`);
      return this.stringSequence();
    }
    if (c === '{') {
      if (typeof type === 'object') return this.ignoredValue();
      this.fail(`invalid type: map, expected ${expected(type)}`);
    }
    const value = this.scalar();
    if (type === 'string' && value.kind === 'string') return value.value;
    if (type === 'bool' && value.kind === 'bool') return value.value;
    if ((type === 'u64' || type === 'usize' || type === 'i32') && value.kind === 'number') {
      const n = numberValue(value.text);
      if (typeof n === 'bigint') {
        const [min, max] = type === 'i32' ? [-(2n ** 31n), 2n ** 31n - 1n] : [0n, 2n ** 64n - 1n];
        if (n < min || n > max) this.fail(`invalid value: integer \`${n}\`, expected ${type}`);
        return Number(n);
      }
      this.fail(`invalid type: floating point \`${floatText(n)}\`, expected ${type}`);
    }
    this.fail(`invalid type: ${unexpectedText(value)}, expected ${expected(type)}`);
  }

  variant(variants: readonly string[]): string {
    const c = this.s[this.i];
    if (c === '"' || c === '{') {
      if (c === '{') {
        this.i++;
        if (this.skipWhitespace() !== '"') this.fail('key must be a string', true);
      }
      const name = this.string();
      const list = variants.map((v) => `\`${v}\``).join(', ');
      if (!variants.includes(name)) this.fail(`unknown variant \`${name}\`, expected one of ${list}`);
      if (c === '{') {
        if (this.skipWhitespace() !== ':') this.fail('expected `:`', true);
        this.i++;
        this.ignoredValue();
        if (this.skipWhitespace() !== '}') this.fail('expected `}`', true);
        this.i++;
      }
      return name;
    }
    this.fail('expected value', true);
  }

  stringSequence(): string[] {
    this.i++;
    const out: string[] = [];
    for (;;) {
      let c = this.skipWhitespace();
      if (c === ']') break;
      if (c === undefined) this.fail('EOF while parsing a list', true);
      if (out.length > 0) {
        if (c !== ',') this.fail('expected `,` or `]`', true);
        this.i++;
        c = this.skipWhitespace();
        if (c === ']') this.fail('trailing comma', true);
      }
      out.push(this.fieldValue({ type: 'string' }) as string);
    }
    this.i++;
    return out;
  }

  /** The `Unexpected` text of the scalar (or container) at the cursor, consuming a scalar. */
  scalarUnexpected(c: string): string {
    if (c === '[') return 'sequence';
    if (c === '{') return 'map';
    return unexpectedText(this.scalar());
  }

  ignoredValue(): undefined {
    const c = this.skipWhitespace();
    if (c === undefined) this.fail('EOF while parsing a value', true);
    if (c === '[' || c === '{') {
      const close = c === '[' ? ']' : '}';
      this.i++;
      let first = true;
      for (;;) {
        let d = this.skipWhitespace();
        if (d === close) break;
        if (d === undefined) this.fail(`EOF while parsing ${c === '[' ? 'a list' : 'an object'}`, true);
        if (!first) {
          if (d !== ',') this.fail(`expected \`,\` or \`${close}\``, true);
          this.i++;
          d = this.skipWhitespace();
          if (d === close) this.fail('trailing comma', true);
        }
        first = false;
        if (c === '{') {
          if (d === undefined) this.fail('EOF while parsing a value', true);
          if (d !== '"') this.fail('key must be a string', true);
          this.string();
          const colon = this.skipWhitespace();
          if (colon === undefined) this.fail('EOF while parsing an object', true);
          if (colon !== ':') this.fail('expected `:`', true);
          this.i++;
        }
        this.ignoredValue();
      }
      this.i++;
      return undefined;
    }
    this.scalar();
    return undefined;
  }

  scalar(): Scalar {
    const c = this.s[this.i];
    if (c === '"') return { kind: 'string', value: this.string() };
    const words = { n: 'null', t: 'true', f: 'false' } as const;
    if (c === 'n' || c === 't' || c === 'f') {
      this.ident(words[c]);
      return c === 'n' ? { kind: 'null' } : { kind: 'bool', value: c === 't' };
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9'))
      return { kind: 'number', text: this.number() };
    this.fail('expected value', true);
  }

  ident(word: string): void {
    this.i++;
    for (const expectedChar of word.slice(1)) {
      const c = this.s[this.i];
      if (c === undefined) this.fail('EOF while parsing a value');
      this.i++;
      if (c !== expectedChar) this.fail('expected ident');
    }
  }

  number(): string {
    const start = this.i;
    const digit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
    if (this.s[this.i] === '-') {
      this.i++;
      if (this.s[this.i] === undefined) this.fail('EOF while parsing a value');
      if (!digit(this.s[this.i])) {
        this.i++;
        this.fail('invalid number');
      }
    }
    if (this.s[this.i] === '0') {
      this.i++;
      if (digit(this.s[this.i])) this.fail('invalid number', true);
    } else while (digit(this.s[this.i])) this.i++;
    if (this.s[this.i] === '.') {
      this.i++;
      if (!digit(this.s[this.i]))
        this.fail(this.s[this.i] === undefined ? 'EOF while parsing a value' : 'invalid number', true);
      while (digit(this.s[this.i])) this.i++;
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      const c = this.s[this.i];
      if (c === undefined) this.fail('EOF while parsing a value');
      this.i++;
      if (!digit(c)) this.fail('invalid number');
      while (digit(this.s[this.i])) this.i++;
    }
    return this.s.slice(start, this.i);
  }

  string(): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail('EOF while parsing a string');
      if (c < ' ') this.fail('control character (\\u0000-\\u001F) found while parsing a string');
      this.i++;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i];
      if (e === undefined) this.fail('EOF while parsing a string');
      this.i++;
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (e in simple) out += simple[e];
      else if (e === 'u') out += this.unicodeEscape();
      else this.fail('invalid escape');
    }
  }

  unicodeEscape(): string {
    const hex = () => {
      if (this.i + 4 > this.s.length) {
        this.i = this.s.length;
        this.fail('EOF while parsing a string');
      }
      const text = this.s.slice(this.i, this.i + 4);
      this.i += 4;
      if (!/^[0-9a-fA-F]{4}$/.test(text)) this.fail('invalid escape');
      return Number.parseInt(text, 16);
    };
    const first = hex();
    if (first >= 0xdc00 && first <= 0xdfff) this.fail('lone leading surrogate in hex escape');
    if (first < 0xd800 || first > 0xdbff) return String.fromCharCode(first);
    for (const expectedChar of ['\\', 'u']) {
      const c = this.s[this.i];
      if (c === undefined) this.fail('EOF while parsing a string');
      this.i++;
      if (c !== expectedChar) this.fail('unexpected end of hex escape');
    }
    const second = hex();
    if (second < 0xdc00 || second > 0xdfff) this.fail('lone leading surrogate in hex escape');
    return String.fromCharCode(first, second);
  }
}

/** serde's `Expected` text of a field type. */
function expected(type: SerdeFieldType): string {
  if (typeof type === 'object') return 'struct' in type ? `struct ${type.struct}` : 'a string';
  return {
    string: 'a string',
    bool: 'a boolean',
    u64: 'u64',
    usize: 'usize',
    i32: 'i32',
    string_seq: 'a sequence',
  }[type];
}

/** serde_json's number: an integer (bigint) that fits i64/u64, else a float (`-0` is the float -0.0). */
function numberValue(text: string): bigint | number {
  if (/^-?\d+$/.test(text) && text !== '-0') {
    const n = BigInt(text);
    if (n >= -(2n ** 63n) && n <= 2n ** 64n - 1n) return n;
  }
  return Number(text);
}

/** serde's `Unexpected::Float` text: `1.5`, `3.0`, `-0.0`, `1e+23`. */
function floatText(n: number): string {
  if (Object.is(n, -0)) return '-0.0';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-5)) return n.toExponential();
  const text = String(n);
  return text.includes('.') ? text : `${text}.0`;
}

/** serde's `Unexpected` text of a scalar. */
function unexpectedText(value: Scalar): string {
  switch (value.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return `boolean \`${value.value}\``;
    case 'string':
      return `string ${rustDebugString(value.value)}`;
    case 'number': {
      const n = numberValue(value.text);
      return typeof n === 'bigint' ? `integer \`${n}\`` : `floating point \`${floatText(n)}\``;
    }
  }
}

/** Rust's `{:?}` of a string: quoted, `\"`, `\\`, `\n`, `\r`, `\t`, other controls as `\u{…}`. */
function rustDebugString(text: string): string {
  let out = '"';
  for (const c of text) {
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c < ' ' || c === '\x7f') out += `\\u{${(c.codePointAt(0) as number).toString(16)}}`;
    else out += c;
  }
  return `${out}"`;
}
