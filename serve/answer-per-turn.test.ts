import { describe, expect, it } from 'vitest';
import { answerPerTurn } from './answer-per-turn.js';

describe('answerPerTurn', () => {
  it('holds the answers until the check phase of the turn, then gives all of them, each its own response', async () => {
    const answered: string[] = [];
    const fetch = answerPerTurn(async (n: number) => new Response(String(n)));
    const answers = [1, 2, 3].map((n) => fetch(n).then(async (r) => answered.push(await r.text())));
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(answered).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(answers);
    expect(answered.sort()).toEqual(['1', '2', '3']);
  });

  it('answers a request of a later turn in that turn, and passes a failure on', async () => {
    const fetch = answerPerTurn(async (fail: boolean) => {
      if (fail) throw new Error('broken');
      return new Response('ok');
    });
    expect(await (await fetch(false)).text()).toBe('ok');
    expect(await (await fetch(false)).text()).toBe('ok');
    await expect(fetch(true)).rejects.toThrow('broken');
  });
});
