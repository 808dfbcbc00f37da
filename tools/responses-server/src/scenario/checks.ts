// The shared checks of scenario validation and the error they throw.

/** Thrown for a malformed scenario; `message` names the offending field, e.g. `steps[2].kind`. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** A plain object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throw a `ScenarioError` naming `where`. */
export function fail(where: string, message: string): never {
  throw new ScenarioError(`${where}: ${message}`);
}

/** `undefined` or a non-negative integer; throws `ScenarioError`. */
export function checkCount(value: unknown, where: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
    fail(where, `expected a non-negative integer, got ${JSON.stringify(value)}`);
  }
}

/** An integer HTTP status 100-999; throws `ScenarioError`. */
export function checkStatus(value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 100 || value > 999) {
    fail(where, `expected an HTTP status (100-999), got ${JSON.stringify(value)}`);
  }
}

/** `undefined` or an object of string header values; throws `ScenarioError`. */
export function checkHeaders(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!isObject(value)) fail(where, 'expected an object of header name → string value');
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      fail(`${where}.${name}`, `expected a string header value, got ${JSON.stringify(v)}`);
  }
}
