import { describe, expect, it } from 'vitest';
import { loadDroppableWebSocket } from './socket.js';

describe('loadDroppableWebSocket', () => {
  it('gives every caller the same class, also while the first load of ws is under way', async () => {
    // Sockets opened at once (1 000 sessions starting together) all call it before `ws` loaded.
    const classes = await Promise.all(Array.from({ length: 5 }, () => loadDroppableWebSocket()));
    expect(new Set(classes).size).toBe(1);
    expect(await loadDroppableWebSocket()).toBe(classes[0]);
  });
});
