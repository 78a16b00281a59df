import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../stages/lib/seeded-random.js';
import { RowWindow } from './bin-windows.js';

describe('RowWindow', () => {
  it('counts exactly the bins of the last maxRows rows, through every wrap of its ring', () => {
    const rng = seededRandom(5);
    for (const maxRows of [1, 2, 3, 7, 64]) {
      const columns = 3;
      const totalBins = 12;
      const window = new RowWindow(totalBins, columns, maxRows);
      const added: Uint32Array[] = [];
      for (let n = 0; n < maxRows * 5 + 3; n++) {
        // Column c's bins are 4c…4c+3, as the monitor lays them out.
        const bins = Uint32Array.from({ length: columns }, (_, c) => 4 * c + rng.int(0, 3));
        window.add(bins);
        added.push(bins);
        const expected = new Int32Array(totalBins);
        for (const row of added.slice(-maxRows)) for (const b of row) expected[b]!++;
        expect([...window.counts], `maxRows ${maxRows}, row ${n}`).toEqual([...expected]);
        expect(window.rows()).toBe(Math.min(n + 1, maxRows));
      }
    }
  });
});
