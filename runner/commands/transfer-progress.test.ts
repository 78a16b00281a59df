import { describe, expect, it } from 'vitest';
import { progressBar } from './transfer-progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

describe('progressBar', () => {
  it('draws on a terminal and clears itself at the end', () => {
    const { writes, stream } = fakeStream(true);
    const bar = progressBar(stream);
    bar.onProgress?.({ verb: 'uploading', done: 3, total: 3, bytes: 3 << 20, totalBytes: 3 << 20 });
    bar.end();
    // eslint-disable-next-line no-control-regex -- the escape sequence is what the test is about
    expect(writes[0]).toMatch(/^\r\x1b\[Kuploading \[#{24}\] 3\/3 objects {2}3\.0 MiB\/3\.0 MiB {2}[\d.]+ (MiB|GiB|TiB)\/s$/);
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('stays silent when stderr is not a terminal', () => {
    const { writes, stream } = fakeStream(false);
    const bar = progressBar(stream);
    expect(bar.onProgress).toBeUndefined();
    bar.end();
    expect(writes).toEqual([]);
  });
});
