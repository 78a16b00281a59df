import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from './csv.js';

describe('csv', () => {
  it('round-trips fields with commas, quotes, line breaks and empty values', () => {
    const header = ['id', 'text', 'n'];
    const rows = [
      ['1', 'plain', '3.5'],
      ['2', 'a, b', ''],
      ['3', 'say "hi"', '-1'],
      ['4', 'two\nlines', '0'],
      ['5', '', ''],
    ];
    const text = formatCsv(header, rows);
    expect(text).toBe('id,text,n\n1,plain,3.5\n2,"a, b",\n3,"say ""hi""",-1\n4,"two\nlines",0\n5,,\n');
    expect(parseCsv(text)).toEqual({ header, rows });
  });

  it('reads CRLF line ends and a file without a final newline', () => {
    expect(parseCsv('a,b\r\n1,2\r\n3,4')).toEqual({ header: ['a', 'b'], rows: [['1', '2'], ['3', '4']] });
  });

  it('writes numbers in their shortest exact form', () => {
    expect(formatCsv(['x'], [[0.1 + 0.2], [1e-7], [-0]])).toBe('x\n0.30000000000000004\n1e-7\n0\n');
  });

  it('keeps values as strings, spaces and leading zeros included', () => {
    expect(parseCsv('a,b\n 007,1e3\n')).toEqual({ header: ['a', 'b'], rows: [[' 007', '1e3']] });
  });

  it('names the line whose field count does not match the header', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow('expect 2, got 1 on line 3');
    expect(() => parseCsv('')).toThrow(/empty/);
    expect(() => parseCsv('a\n"open')).toThrow(/Quote Not Closed/);
  });
});
