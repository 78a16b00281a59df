import { describe, expect, it } from 'vitest';
import { LineSplitter, TailBuffer } from './line-splitter.js';

function split(chunks: readonly string[], { end = true } = {}): string[] {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  for (const c of chunks) s.push(c);
  if (end) s.end();
  return lines;
}

describe('LineSplitter', () => {
  it('emits whole lines however the stream is chunked, keeping empty lines', () => {
    expect(split(['al', 'pha\nbe', 'ta\n\ngam', 'ma\n'])).toEqual(['alpha', 'beta', '', 'gamma']);
    expect(split(['a\nb\n'])).toEqual(['a', 'b']);
  });

  it('holds back a partial last line until the stream ends, then emits it', () => {
    expect(split(['done\n50%'], { end: false })).toEqual(['done']);
    expect(split(['done\n50%'])).toEqual(['done', '50%']);
  });

  it('emits nothing more at the end when the stream ended with a newline, and nothing twice', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('last\n');
    s.end();
    s.end();
    expect(lines).toEqual(['last']);
  });

  it('drops the carriage return of CRLF line ends, even when \\r and \\n arrive in separate chunks', () => {
    expect(split(['a\r\nb\r', '\nc\n'])).toEqual(['a', 'b', 'c']);
    expect(split(['last\r'])).toEqual(['last']);
  });

  it('shows a progress bar redrawn with carriage returns as its final state, however chunked', () => {
    expect(split(['10%\r50', '%\r100%\ndone\n'])).toEqual(['100%', 'done']);
    expect(split(['10%\r', '50%\r', '100%'])).toEqual(['100%']);
  });

  it('holds at most 64 KiB of a stage output that never prints a newline, keeping its end', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    for (let i = 0; i < 200; i++) s.push('x'.repeat(1023) + String(i % 10));
    s.push('END');
    s.end();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThanOrEqual(64 * 1024 + 3);
    expect(lines[0]!.endsWith('9END')).toBe(true);
  });
});

describe('TailBuffer', () => {
  it('keeps only the last `max` lines, oldest first', () => {
    const t = new TailBuffer(2);
    expect(t.text()).toBe('');
    for (const l of ['one', 'two', 'three']) t.push(l);
    expect(t.text()).toBe('two\nthree');
  });
});
