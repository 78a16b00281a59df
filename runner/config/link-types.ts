/** @module The ways a cached file can be put in the workspace (`cache.type` in .pipe/config.yaml), tried in order. */

export type LinkType = 'reflink' | 'hardlink' | 'symlink' | 'copy';

/** Reflink where the filesystem can, else a hardlink, else a copy; symlinks only when asked for. */
export const DEFAULT_LINK_TYPES: readonly LinkType[] = ['reflink', 'hardlink', 'copy'];
