/** @module One small filesystem call (link, unlink, lstat) reported by result rather than thrown: the same code on the main thread and on the workers. */
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

export type FsOp =
  /** Hardlink `src` as `dest` (making dest's directory when `mkdir`), then chmod `dest` when `mode` is set. */
  | { readonly op: 'link'; readonly src: string; readonly dest: string; readonly mode?: number; readonly mkdir?: boolean }
  /** Unlink `path`; gone already is fine. */
  | { readonly op: 'unlink'; readonly path: string }
  /** Size of `path` (not following a symlink). */
  | { readonly op: 'lstat'; readonly path: string };

/** `ok` with the size for lstat; otherwise the errno code, for the caller to fall back on its own (synchronous) path. */
export type FsResult =
  | { readonly ok: true; readonly size?: number }
  /** `step: 'chmod'`: the link was made, the chmod after it failed. */
  | { readonly ok: false; readonly code: string; readonly message: string; readonly step?: 'chmod' };

export function runFsOp(o: FsOp): FsResult {
  try {
    if (o.op === 'link') {
      try {
        linkSync(o.src, o.dest);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !o.mkdir || !existsSync(o.src)) throw err;
        mkdirSync(dirname(o.dest), { recursive: true });
        linkSync(o.src, o.dest);
      }
      if (o.mode !== undefined) {
        try {
          chmodSync(o.dest, o.mode);
        } catch (err) {
          throw Object.assign(err as Error, { step: 'chmod' });
        }
      }
      return { ok: true };
    }
    if (o.op === 'unlink') {
      try {
        unlinkSync(o.path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      return { ok: true };
    }
    return { ok: true, size: lstatSync(o.path).size };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { step?: 'chmod' };
    return { ok: false, code: e.code ?? 'EUNKNOWN', message: String(e.message), ...(e.step ? { step: e.step } : {}) };
  }
}
