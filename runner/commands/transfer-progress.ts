/** @module How push, fetch and pull report: a progress bar on a terminal (stderr), one summary line on stdout. */
import type { OnProgress, TransferProgress } from '../remote/transfer.js';
import { formatBytes } from '../command/format-bytes.js';

export interface ProgressBar {
  readonly onProgress: OnProgress | undefined;
  /** Clears the bar (before the summary or an error is printed). */
  end(): void;
}

/** A bar redrawn at most 10 times a second, only when stderr is a terminal. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY || process.env.TERM === 'dumb') return { onProgress: undefined, end: () => {} };
  let last = 0;
  let shown = false;
  const started = Date.now();
  const draw = (p: TransferProgress) => {
    const now = Date.now();
    if (now - last < 100 && p.done !== p.total) return;
    last = now;
    const width = 24;
    const frac = p.totalBytes > 0 ? p.bytes / p.totalBytes : p.total > 0 ? p.done / p.total : 1;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const secs = Math.max(0.001, (now - started) / 1000);
    const rate = p.bytes ? `  ${formatBytes(p.bytes / secs)}/s` : '';
    const line = `${p.verb} [${bar}] ${count(p.done)}/${count(p.total)} objects  ${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}${rate}`;
    stream.write(`\r\x1b[K${line.slice(0, (stream.columns || 100) - 1)}`);
    shown = true;
  };
  return {
    onProgress: draw,
    end: () => {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function objects(n: number): string {
  return `${count(n)} object${n === 1 ? '' : 's'}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export { formatBytes };
