// Cutting a text or byte sequence into pieces, for tests that feed a decoder chunk by chunk.

/**
 * `whole` cut at the given positions (any order, duplicates allowed; a position past the end is
 * the end): `positions.length + 1` pieces at most, some empty when positions repeat the ends.
 */
export function cutAt<T extends { length: number; slice(start: number, end?: number): T }>(
  whole: T,
  positions: readonly number[],
): T[] {
  const points = [...new Set(positions.map((p) => Math.min(p, whole.length)))].sort((a, b) => a - b);
  const parts: T[] = [];
  let start = 0;
  for (const point of points) {
    parts.push(whole.slice(start, point));
    start = point;
  }
  parts.push(whole.slice(start));
  return parts;
}
