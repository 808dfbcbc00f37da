import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpStatusError, StreamError, TransportError } from '../errors/transport-error.js';
import { isCredentialName, MIN_SECRET_LENGTH, REDACTION_MASK, SecretRedactor } from './secret-redactor.js';

const KEY = 'sk-canary-4f1d2c3b5a6e7f80';

function redactorWith(...secrets: string[]): SecretRedactor {
  const redactor = new SecretRedactor();
  for (const secret of secrets) redactor.add(secret);
  return redactor;
}

describe('SecretRedactor.redact', () => {
  it('masks every occurrence as ***, and nothing else', () => {
    const redactor = redactorWith(KEY);
    expect(redactor.redact(`Incorrect API key provided: ${KEY}. (${KEY})`)).toBe(
      'Incorrect API key provided: ***. (***)',
    );
    expect(redactor.redact('nothing secret here')).toBe('nothing secret here');
    expect(REDACTION_MASK).toBe('***');
  });

  it('ignores values shorter than MIN_SECRET_LENGTH and non-strings', () => {
    const redactor = new SecretRedactor();
    redactor.add('short');
    redactor.add('x'.repeat(MIN_SECRET_LENGTH - 1));
    redactor.add(undefined);
    redactor.add(null);
    expect(redactor.size).toBe(0);
    expect(redactor.redact('short')).toBe('short');
  });

  it('registers the bare token of a `<scheme> <token>` credential', () => {
    const redactor = new SecretRedactor();
    redactor.addCredential(`Bearer ${KEY}`);
    expect(redactor.redact(`header was Bearer ${KEY}; key ${KEY}`)).toBe('header was ***; key ***');
  });

  it('masks the JSON-escaped spelling of a secret with quotes or backslashes', () => {
    const secret = 'pa"ss\\word-123456';
    const redactor = redactorWith(secret);
    expect(redactor.redact(JSON.stringify({ message: `bad ${secret}` }))).toBe('{"message":"bad ***"}');
  });

  it('masks a longer secret whole even when it contains a shorter one', () => {
    const redactor = redactorWith('abcdefgh', 'abcdefgh-ijklmnop');
    expect(redactor.redact('x abcdefgh-ijklmnop y abcdefgh')).toBe('x *** y ***');
  });
});

describe('SecretRedactor.redactError', () => {
  it('returns the error itself when it holds no secret', () => {
    const redactor = redactorWith(KEY);
    const cause = new Error('inner');
    const error = new Error('outer', { cause });
    expect(redactor.redactError(error)).toBe(error);
    expect(new SecretRedactor().redactError(new Error(KEY))).toBeInstanceOf(Error);
  });

  it('copies an error subclass with message, stack, fields and the cause chain redacted', () => {
    const redactor = redactorWith(KEY);
    const root = new Error(`socket said ${KEY}`);
    const http = new HttpStatusError({
      status: 401,
      url: `http://127.0.0.1/v1/responses?key=${KEY}`,
      headers: { 'x-openai-authorization-error': `bad key ${KEY}` },
      body: `{"error":{"message":"Incorrect API key provided: ${KEY}"}}`,
    });
    const top = new StreamError(`stream failed: ${KEY}`, { cause: new Error('wrapped', { cause: http }) });
    Object.defineProperty(http, 'cause', { value: root, enumerable: false, configurable: true });

    const safe = redactor.redactError(top);
    expect(safe).not.toBe(top);
    expect(safe).toBeInstanceOf(StreamError);
    expect(TransportError.isInstance(safe)).toBe(true);
    expect(safe.code).toBe('stream');
    expect(safe.name).toBe('StreamError');
    expect(safe.message).toBe('stream failed: ***');
    const safeHttp = (safe.cause as Error).cause as HttpStatusError;
    expect(HttpStatusError.isInstance(safeHttp)).toBe(true);
    expect(safeHttp.status).toBe(401);
    expect(safeHttp.body).toBe('{"error":{"message":"Incorrect API key provided: ***"}}');
    expect(safeHttp.headers['x-openai-authorization-error']).toBe('bad key ***');
    expect(safeHttp.url).toBe('http://127.0.0.1/v1/responses?key=***');
    expect((safeHttp.cause as Error).message).toBe('socket said ***');
    for (const text of [String(safe), inspect(safe, { depth: 10 }), safe.stack ?? '']) {
      expect(text).not.toContain(KEY);
    }
    // The original is untouched.
    expect(top.message).toContain(KEY);
  });

  it('keeps cycles and non-plain objects, redacts arrays and plain objects', () => {
    const redactor = redactorWith(KEY);
    const error = new Error(`a ${KEY}`) as Error & { self?: unknown; list?: unknown; when?: Date };
    error.self = error;
    error.list = [KEY, { nested: KEY }];
    error.when = new Date(0);
    const safe = redactor.redactError(error);
    expect(safe.self).toBe(safe);
    expect(safe.list).toEqual([REDACTION_MASK, { nested: REDACTION_MASK }]);
    expect(safe.when).toBe(error.when);
    expect(inspect(safe, { depth: 10 })).not.toContain(KEY);
  });

  it('redacts a plain string', () => {
    expect(redactorWith(KEY).redactError(`x ${KEY}`)).toBe('x ***');
  });
});

describe('SecretRedactor.writer', () => {
  it('masks a secret split across writes and holds back only a possible prefix', () => {
    const redactor = redactorWith(KEY);
    const out: string[] = [];
    const writer = redactor.writer({ write: (text) => out.push(text) });
    writer.write('the key is sk-can');
    expect(out.join('')).toBe('the key is ');
    writer.write(`${KEY.slice(6)} ok`);
    writer.write(' sk');
    writer.flush();
    expect(out.join('')).toBe('the key is *** ok sk');
  });

  it('writes through unchanged without secrets', () => {
    const out: string[] = [];
    const writer = new SecretRedactor().writer({ write: (text) => out.push(text) });
    writer.write('a');
    writer.write('b');
    expect(out).toEqual(['a', 'b']);
  });

  it('property: any split of any text gives the same output as redacting the whole text', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '-', ' ');
    const secretArb = fc.string({ unit: alphabet, minLength: MIN_SECRET_LENGTH, maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(secretArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.string({ unit: alphabet, maxLength: 30 }), { maxLength: 8 }),
        (secrets, pieces) => {
          const redactor = redactorWith(...secrets);
          // Make secrets likely to occur, split anywhere.
          const chunks = pieces.flatMap((piece, i) => [piece, secrets[i % secrets.length] as string]);
          const text = chunks.join('');
          const out: string[] = [];
          const writer = redactor.writer({ write: (t) => out.push(t) });
          for (const chunk of chunks) {
            for (let i = 0; i < chunk.length; i += 3) writer.write(chunk.slice(i, i + 3));
          }
          writer.flush();
          expect(out.join('')).toBe(redactor.redact(text));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('isCredentialName', () => {
  it('matches credential-carrying names only', () => {
    for (const name of [
      'Authorization',
      'x-api-key',
      'api-key',
      'apikey',
      'OPENAI_API_KEY',
      'X_GATEWAY_TOKEN',
      'key',
      'sig',
      'Proxy-Authorization',
      'client_secret',
      'Cookie',
    ]) {
      expect(isCredentialName(name), name).toBe(true);
    }
    for (const name of ['version', 'api-version', 'OpenAI-Organization', 'OpenAI-Project', 'originator']) {
      expect(isCredentialName(name), name).toBe(false);
    }
  });
});
