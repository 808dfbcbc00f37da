/**
 * Case-insensitive request-header merge shared by the HTTP, unary JSON and realtime clients
 * (internal to `@codex-ts/api`).
 */

/**
 * Builds a header record in insertion order. {@link HeaderMerge.set} replaces a header whose name
 * matches in any case in place (it keeps its first position and spelling);
 * {@link HeaderMerge.setIfAbsent} adds only when no header of that name (any case) is set.
 */
export class HeaderMerge {
  /** The merged headers (read after the last `set`). */
  readonly headers: Record<string, string> = {};
  private readonly index = new Map<string, string>();

  /** Sets `name` to `value`, replacing a header of the same name in any case. */
  set(name: string, value: string): void {
    const lower = name.toLowerCase();
    const existing = this.index.get(lower);
    if (existing !== undefined) {
      this.headers[existing] = value;
      return;
    }
    this.headers[name] = value;
    this.index.set(lower, name);
  }

  /** Sets `name` only when no header of that name (any case) is set yet. */
  setIfAbsent(name: string, value: string): void {
    if (!this.index.has(name.toLowerCase())) this.set(name, value);
  }

  /** {@link HeaderMerge.set} for every entry of `headers` (nothing for `undefined`). */
  setAll(headers: Readonly<Record<string, string>> | undefined): void {
    for (const [name, value] of Object.entries(headers ?? {})) this.set(name, value);
  }

  /** {@link HeaderMerge.setIfAbsent} for every entry of `headers` (nothing for `undefined`). */
  setAllIfAbsent(headers: Readonly<Record<string, string>> | undefined): void {
    for (const [name, value] of Object.entries(headers ?? {})) this.setIfAbsent(name, value);
  }
}
