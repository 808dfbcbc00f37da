// One scripted queue, consumed in order: the HTTP steps of `/responses` and the replies of each
// ChatGPT-backend side route share it.

/** A script: its `items`, the index of the next one to take, and whether the last one repeats. */
export interface ScriptCursor<T> {
  items: T[];
  next: number;
  repeatLast: boolean;
}

/**
 * The next item of `cursor` and its index (the cursor advances); once every item was taken, the
 * last one again when `repeatLast`, else `undefined` (the script is exhausted).
 */
export function takeNext<T>(cursor: ScriptCursor<T>): { item: T; index: number } | undefined {
  if (cursor.next < cursor.items.length) {
    const index = cursor.next++;
    return { item: cursor.items[index] as T, index };
  }
  if (cursor.repeatLast && cursor.items.length > 0) {
    const index = cursor.items.length - 1;
    return { item: cursor.items[index] as T, index };
  }
  return undefined;
}
