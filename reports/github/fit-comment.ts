/**
 * @module Shortens a report to GitHub's comment limit instead of letting GitHub reject it: large
 * tables, diagrams and plot specs are replaced by a line pointing to the full report first
 * (largest first), then the rest is cut with a pointer. The marker, the title and the gate
 * verdict (the report's head) are always kept.
 */
import { joinedLength, splitBlocks, type MarkdownBlock } from './markdown-blocks.js';
import { REPORT_MARKER, withMarker } from './report-marker.js';

/** GitHub rejects issue and pull request comments longer than this ("Body is too long"). */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface FitCommentOptions {
  /** Maximum length in UTF-16 code units (never fewer than the characters GitHub counts). */
  readonly limit?: number;
  /** Repository-relative path of the full report (e.g. `report.md`), named in every pointer. */
  readonly fullReportPath?: string;
  /** Where a reader finds the full report (e.g. the workflow run that uploaded it); linked when given. */
  readonly fullReportUrl?: string;
}

/**
 * The markdown (with the marker) when it fits in `limit`, else a shortened version that does.
 *
 * The head is everything up to the end of the gate/verdict section: the title, the text under it,
 * and the first `##` section whose heading names the gate or the verdict (else the first `##`
 * section). Only when the head alone is too long is anything inside it shortened.
 */
export function fitComment(markdown: string, { limit = GITHUB_COMMENT_LIMIT, fullReportPath, fullReportUrl }: FitCommentOptions = {}): string {
  const doc = withMarker(markdown);
  if (doc.length <= limit) return doc;
  const where = pointer(fullReportPath, fullReportUrl);
  const blocks = splitBlocks(doc);
  const headEnd = headBlockCount(blocks);
  const body = collapse(blocks.slice(headEnd), limit - joinedLength(blocks.slice(0, headEnd)) - 1, where);
  const fitted = [...blocks.slice(0, headEnd), ...body];
  if (joinedLength(fitted) <= limit) return join(fitted);
  return truncate(blocks.slice(0, headEnd), body, { limit, total: doc.length, where });
}

/** How many leading blocks form the head that is kept verbatim. */
function headBlockCount(blocks: readonly MarkdownBlock[]): number {
  const firstHeading = blocks.findIndex((b) => b.kind === 'heading');
  const title = firstHeading >= 0 && blocks[firstHeading]?.level === 1 ? firstHeading : -1;
  const sections = blocks.flatMap((b, i) => (b.kind === 'heading' && (b.level ?? 9) <= 2 && i !== title ? [i] : []));
  const gate = sections.findIndex((i) => /\b(gates?|verdict|promotion)\b/i.test(blocks[i]?.text ?? ''));
  return sections[(gate >= 0 ? gate : 0) + 1] ?? blocks.length;
}

const collapsible = (b: MarkdownBlock): boolean => b.kind === 'fence' || b.kind === 'table' || b.kind === 'image';

/** Replaces the largest collapsible blocks by one-line notes until the blocks fit in `room`. */
function collapse(blocks: readonly MarkdownBlock[], room: number, where: string): MarkdownBlock[] {
  const out = [...blocks];
  let length = joinedLength(out);
  const largestFirst = out
    .flatMap((b, i) => (collapsible(b) ? [i] : []))
    .sort((a, b) => (out[b]?.text.length ?? 0) - (out[a]?.text.length ?? 0));
  for (const i of largestFirst) {
    if (length <= room) break;
    const block = out[i] as MarkdownBlock;
    const note = `_${describe(block)} omitted: too long for a GitHub comment${where}_`;
    if (note.length >= block.text.length) continue;
    length -= block.text.length - note.length;
    out[i] = { kind: 'text', text: note, lines: 1 };
  }
  return out;
}

function describe(block: MarkdownBlock): string {
  if (block.kind === 'table') return `Table (${Math.max(block.lines - 2, 0)} rows)`;
  if (block.kind === 'image') return 'Image';
  if (block.lang === 'mermaid') return 'Mermaid diagram';
  if (block.lang && /^vega(-?lite)?$/.test(block.lang)) return 'Plot (Vega-Lite spec)';
  return `${block.lang ? `\`${block.lang}\`` : 'Code'} block (${Math.max(block.lines - 2, 0)} lines)`;
}

function pointer(path: string | undefined, url: string | undefined): string {
  if (url) return `; full report: [${path ?? 'report'}](${url})`;
  return path ? `; full report: \`${path}\`` : '';
}

/** Keeps the head and as much of the body as fits, then a line saying what was cut and where the rest is. */
function truncate(
  head: readonly MarkdownBlock[],
  body: readonly MarkdownBlock[],
  { limit, total, where }: { limit: number; total: number; where: string },
): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const notice = `\n---\n_Report truncated: it has ${n(total)} characters and a GitHub comment holds ${n(limit)}${where}._`;
  const budget = limit - notice.length;
  let kept = join(head);
  if (kept.length > budget) {
    // A head too long on its own (a huge gate table): shorten it too, then cut it at a line.
    kept = join(collapse(head, budget, where));
    if (kept.length > budget) kept = cutAtLine(kept, budget) || REPORT_MARKER;
  } else {
    for (const block of body) {
      const room = budget - kept.length - 1;
      if (block.text.length <= room) {
        kept += `\n${block.text}`;
        continue;
      }
      // Text and tables can be cut between lines (a table keeps its header); code fences cannot.
      if (block.kind === 'text' || (block.kind === 'table' && room > 0)) {
        const part = cutAtLine(block.text, room);
        if (part.length > 0 && (block.kind === 'text' || part.split('\n').length > 2)) kept += `\n${part}`;
      }
      break;
    }
  }
  return `${kept}${notice}`.slice(0, limit);
}

/** The longest prefix of whole lines no longer than `max`. */
function cutAtLine(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max);
  return cut > 0 ? text.slice(0, cut) : '';
}

const join = (blocks: readonly MarkdownBlock[]): string => blocks.map((b) => b.text).join('\n');
