/**
 * @module Small real filesystems for tests of a full or read-only disk: a tmpfs of a given size
 * mounted on a directory. Mounting needs root (CI runs as root); elsewhere `tmpfsUnavailable`
 * says why, for the test to skip with that reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  readonly dir: string;
  /** Makes it read-only (or writable again), keeping what it holds. */
  remount(o: { readOnly?: boolean; sizeBytes?: number }): void;
  unmount(): void;
}

/** Why a tmpfs cannot be mounted here, or undefined when it can (checked once, by trying). */
export const tmpfsUnavailable: string | undefined = probe();

function probe(): string | undefined {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = mkdtempSync(join(tmpdir(), 'pipe-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'mount -t tmpfs failed (no CAP_SYS_ADMIN in this container?)';
  } finally {
    rmdirSync(dir);
  }
}

/** Mounts a tmpfs of `sizeBytes` on `dir` (created if needed). Unmount it in a `finally` before `dir`'s temp directory is removed. */
export function mountTmpfs(dir: string, { sizeBytes, readOnly = false }: { sizeBytes: number; readOnly?: boolean }): Tmpfs {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}${readOnly ? ',ro' : ''}`, 'tmpfs', dir]);
  let mounted = true;
  return {
    dir,
    remount({ readOnly: ro, sizeBytes: size }) {
      const opts = ['remount', ...(ro === undefined ? [] : [ro ? 'ro' : 'rw']), ...(size === undefined ? [] : [`size=${size}`])];
      execFileSync('mount', ['-o', opts.join(','), dir]);
    },
    unmount() {
      if (!mounted) return;
      // Lazy: a process the test failed to stop must not keep the mount (and the suite) alive.
      execFileSync('umount', ['-l', dir]);
      mounted = false;
    },
  };
}
