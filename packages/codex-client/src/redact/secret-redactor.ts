/**
 * `SecretRedactor`: masks known secret strings (API keys, bearer tokens, header values that carry
 * credentials) in text, in error objects and in streamed output. Generic: it knows nothing about
 * any API, only the strings it was given.
 */

/** What every masked occurrence of a secret becomes (the same mask as masked URL query values). */
export const REDACTION_MASK = '***';

/**
 * Shortest value {@link SecretRedactor.add} registers, in UTF-16 code units. Shorter values would
 * mask ordinary words and numbers; real keys and tokens are far longer.
 */
export const MIN_SECRET_LENGTH = 8;

/** How deep {@link SecretRedactor.redactError} looks into causes, arrays and plain objects. */
const MAX_DEPTH = 16;

/** `<auth-scheme> <token>` of an `Authorization`-style value (RFC 9110 §11.4): the token. */
const SCHEME_TOKEN = /^[A-Za-z][\w.+-]*[ \t]+(\S+)[ \t]*$/;

/** Name fragments that mark a header or query parameter as carrying a credential. */
const CREDENTIAL_FRAGMENTS = /auth|token|secret|passw|credential|cookie|signature|api[-_.]?key|private/i;
/** Whole name segments (between `-`, `_`, `.`) that mark a credential: `x-api-key`, `sig`, `pat`. */
const CREDENTIAL_SEGMENTS = new Set(['key', 'sig', 'pat', 'jwt', 'bearer', 'pwd']);

/**
 * Whether a header, query parameter or environment variable name conventionally carries a
 * credential: it contains `auth`, `token`, `secret`, `passw`, `credential`, `cookie`,
 * `signature`, `private` or `api-key`/`api_key`/`apikey` (any case), or has a segment (split at
 * `-`, `_`, `.`) that is `key`, `sig`, `pat`, `jwt`, `bearer` or `pwd`. So `Authorization`,
 * `x-api-key`, `api-key`, `OPENAI_API_KEY`, `X_GATEWAY_TOKEN` match; `version`, `api-version`,
 * `OpenAI-Organization` do not. Used to decide which configured values to register with a
 * {@link SecretRedactor}.
 */
export function isCredentialName(name: string): boolean {
  if (CREDENTIAL_FRAGMENTS.test(name)) return true;
  for (const segment of name.toLowerCase().split(/[-_.]/)) if (CREDENTIAL_SEGMENTS.has(segment)) return true;
  return false;
}

/** A text sink, e.g. `process.stdout`. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * A {@link TextSink} that redacts before writing, from {@link SecretRedactor.writer}. Text that
 * might be the start of a secret completed by the next write is held back until that write or
 * {@link flush}.
 */
export interface RedactingWriter {
  /** Writes `text` redacted, except a tail that may be the beginning of a secret. */
  write(text: string): void;
  /** Writes what is held back (redacted). Call it before the sink is closed. */
  flush(): void;
}

/**
 * A set of secret strings and the one implementation of masking them, used for error messages,
 * error objects, telemetry attributes and printed output alike. Every occurrence of a registered
 * secret becomes {@link REDACTION_MASK} (`***`). Matching is exact and case-sensitive on whole
 * secrets (also their JSON-escaped form when it differs); a fragment of a secret is not masked.
 *
 * Instances are independent: nothing is shared across the process unless you share the
 * instance. Secrets are only ever added (a rotated token keeps its old value registered);
 * values shorter than {@link MIN_SECRET_LENGTH} are ignored.
 */
export class SecretRedactor {
  /** Registered secrets, longest first (so a value is masked before a secret inside it). */
  #secrets: string[] = [];
  readonly #known = new Set<string>();

  /**
   * Registers `secret` (ignored when not a string or shorter than {@link MIN_SECRET_LENGTH}).
   * When JSON would escape it (a `"` or `\` in it), the escaped spelling is registered too.
   */
  add(secret: string | undefined | null): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return;
    this.#insert(secret);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) this.#insert(escaped);
  }

  /**
   * Registers a credential header value (`Bearer sk-…`, `Basic …`, a bare key) and, when it has
   * the `<scheme> <token>` form, the token alone, since servers echo the key without the scheme.
   */
  addCredential(value: string | undefined | null): void {
    if (typeof value !== 'string') return;
    this.add(value);
    const token = SCHEME_TOKEN.exec(value)?.[1];
    if (token !== undefined) this.add(token);
  }

  /** How many strings are registered (escaped spellings count separately). */
  get size(): number {
    return this.#secrets.length;
  }

  /** True when `text` contains a registered secret. */
  contains(text: string): boolean {
    for (const secret of this.#secrets) if (text.includes(secret)) return true;
    return false;
  }

  /** `text` with every occurrence of every registered secret replaced by `***`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTION_MASK);
    }
    return out;
  }

  /**
   * `value` with no registered secret reachable from it, for errors about to be thrown, logged or
   * printed. When nothing in it holds a secret, `value` itself is returned. Otherwise a copy:
   *
   * - a string is {@link redact}ed;
   * - an `Error` (any subclass) becomes a native `Error` with the same prototype (so `instanceof`,
   *   `name`, getters and `isInstance()` markers keep working) whose own properties — `message`,
   *   `stack`, `cause`, and fields such as a response `body`, `headers` or `url` — are copied with
   *   this same treatment, so the `cause` chain is redacted too;
   * - arrays and plain objects are copied with redacted members.
   *
   * Other objects (class instances, maps, buffers) are kept as they are. Looks at most 16 levels
   * deep; cycles are preserved.
   */
  redactError<T>(value: T): T {
    if (this.#secrets.length === 0 || !this.#holds(value, new Set(), 0)) return value;
    return this.#copy(value, new Map(), 0) as T;
  }

  /**
   * A writer that redacts everything written to `sink`, also a secret split across two writes
   * (streamed model output): a tail that could be the start of a secret is held back until the
   * next write or {@link RedactingWriter.flush}.
   */
  writer(sink: TextSink): RedactingWriter {
    let held = '';
    return {
      write: (text: string) => {
        const all = held + text;
        const cut = this.#safeCut(all);
        held = all.slice(cut);
        if (cut > 0) sink.write(this.redact(all.slice(0, cut)));
      },
      flush: () => {
        if (held === '') return;
        const rest = held;
        held = '';
        sink.write(this.redact(rest));
      },
    };
  }

  #insert(secret: string): void {
    if (this.#known.has(secret)) return;
    this.#known.add(secret);
    this.#secrets = [...this.#secrets, secret].sort((a, b) => b.length - a.length);
  }

  /** Length of the prefix of `text` that can be written now (see {@link writer}). */
  #safeCut(text: string): number {
    let cut = text.length;
    // Hold back the longest tail that is a proper prefix of some secret.
    for (const secret of this.#secrets) {
      const first = secret.charCodeAt(0);
      for (let k = Math.min(secret.length - 1, text.length); k > 0 && text.length - k < cut; k--) {
        const at = text.length - k;
        if (text.charCodeAt(at) === first && text.startsWith(secret.slice(0, k), at)) {
          cut = at;
          break;
        }
      }
    }
    // Never cut through a whole occurrence (one secret may end inside another's prefix).
    for (let moved = true; moved; ) {
      moved = false;
      for (const secret of this.#secrets) {
        // Any occurrence starting in (cut - length, cut) spans the cut.
        const at = text.indexOf(secret, Math.max(0, cut - secret.length + 1));
        if (at !== -1 && at < cut) {
          cut = at;
          moved = true;
        }
      }
    }
    return cut;
  }

  /** Whether a registered secret is reachable from `value` (see {@link redactError}). */
  #holds(value: unknown, seen: Set<object>, depth: number): boolean {
    if (typeof value === 'string') return this.contains(value);
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || seen.has(value)) return false;
    seen.add(value);
    if (value instanceof Error) {
      for (const key of Reflect.ownKeys(value)) {
        if (this.#holds(readProperty(value, key), seen, depth + 1)) return true;
      }
      return typeof value.stack === 'string' && this.contains(value.stack);
    }
    if (Array.isArray(value)) return value.some((item) => this.#holds(item, seen, depth + 1));
    if (!isPlainObject(value)) return false;
    for (const key of Reflect.ownKeys(value)) {
      if (this.#holds((value as Record<PropertyKey, unknown>)[key], seen, depth + 1)) return true;
    }
    return false;
  }

  /** The redacted copy (see {@link redactError}); `copies` maps originals to copies (cycles). */
  #copy(value: unknown, copies: Map<object, unknown>, depth: number): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
    const done = copies.get(value);
    if (done !== undefined) return done;
    if (value instanceof Error) {
      const copy = new Error();
      Object.setPrototypeOf(copy, Object.getPrototypeOf(value));
      copies.set(value, copy);
      delete (copy as { stack?: unknown }).stack;
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        Object.defineProperty(copy, key, {
          value: this.#copy(readProperty(value, key), copies, depth + 1),
          writable: descriptor?.writable ?? true,
          enumerable: descriptor?.enumerable ?? false,
          configurable: true,
        });
      }
      if (!Object.hasOwn(copy, 'stack') && typeof value.stack === 'string') {
        Object.defineProperty(copy, 'stack', {
          value: this.redact(value.stack),
          writable: true,
          enumerable: false,
          configurable: true,
        });
      }
      return copy;
    }
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      copies.set(value, copy);
      for (const item of value) copy.push(this.#copy(item, copies, depth + 1));
      return copy;
    }
    if (!isPlainObject(value)) return value;
    const copy: Record<PropertyKey, unknown> = Object.create(Object.getPrototypeOf(value));
    copies.set(value, copy);
    for (const key of Reflect.ownKeys(value)) {
      copy[key] = this.#copy((value as Record<PropertyKey, unknown>)[key], copies, depth + 1);
    }
    return copy;
  }
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** An own property's value, through its getter if it has one (a throwing getter reads as undefined). */
function readProperty(target: object, key: PropertyKey): unknown {
  try {
    return Reflect.get(target, key);
  } catch {
    return undefined;
  }
}
