/**
 * @module Splits markdown into the blocks fitComment can shorten: fenced code (Mermaid, plot
 * specs), tables, inline data-URI images, headings and plain text. Joining the blocks' text with
 * newlines gives the input back exactly.
 */

export type BlockKind = 'fence' | 'table' | 'image' | 'heading' | 'text';

export interface MarkdownBlock {
  readonly kind: BlockKind;
  readonly text: string;
  /** Lines in the block. */
  readonly lines: number;
  /** fence: the info string's first word (`mermaid`, `json`, `vega-lite`, …), lower-cased. */
  readonly lang?: string;
  /** heading: 1 for `#`, 2 for `##`, … */
  readonly level?: number;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:\s|$)/;
const TABLE_ROW = /^\s*\|/;
const DATA_IMAGE = /!\[[^\]]*\]\(\s*data:|<img\s[^>]*src\s*=\s*["']?data:/i;

export function splitBlocks(markdown: string): MarkdownBlock[] {
  const lines = markdown.split('\n');
  const blocks: MarkdownBlock[] = [];
  let text: string[] = [];
  const flushText = () => {
    if (text.length > 0) blocks.push({ kind: 'text', text: text.join('\n'), lines: text.length });
    text = [];
  };
  for (let i = 0; i < lines.length; ) {
    const line = lines[i] as string;
    const fence = FENCE_OPEN.exec(line);
    if (fence) {
      flushText();
      const marker = fence[1] as string;
      const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
      let end = i + 1;
      while (end < lines.length && !close.test(lines[end] as string)) end++;
      end = Math.min(end + 1, lines.length); // an unclosed fence runs to the end, as GitHub renders it
      const body = lines.slice(i, end);
      blocks.push({ kind: 'fence', text: body.join('\n'), lines: body.length, lang: (fence[2] ?? '').toLowerCase() });
      i = end;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flushText();
      blocks.push({ kind: 'heading', text: line, lines: 1, level: (heading[1] as string).length });
      i++;
      continue;
    }
    if (TABLE_ROW.test(line)) {
      flushText();
      let end = i;
      while (end < lines.length && TABLE_ROW.test(lines[end] as string)) end++;
      const rows = lines.slice(i, end);
      blocks.push({ kind: 'table', text: rows.join('\n'), lines: rows.length });
      i = end;
      continue;
    }
    if (DATA_IMAGE.test(line)) {
      flushText();
      blocks.push({ kind: 'image', text: line, lines: 1 });
      i++;
      continue;
    }
    text.push(line);
    i++;
  }
  flushText();
  return blocks;
}

/** The length of the blocks joined with newlines, without joining them. */
export function joinedLength(blocks: readonly MarkdownBlock[]): number {
  return blocks.reduce((n, b) => n + b.text.length, 0) + Math.max(blocks.length - 1, 0);
}
