/**
 * @module The package-lock.json of a built service: the entries of the runtime dependencies
 * (TensorFlow.js and the wasm backend) and everything they need, copied from the workspace's own
 * lockfile, so `npm ci` in the image installs exactly the versions training and `pipe serve` ran.
 */

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}

export interface PackageLock {
  readonly lockfileVersion?: number;
  readonly packages?: Readonly<Record<string, LockEntry>>;
}

/** Where npm finds `name` for the package installed at `from` (`node_modules/a/node_modules/b` first, then up). */
function locate(packages: Readonly<Record<string, LockEntry>>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/**
 * A lockfile for a package whose dependencies are `roots` (name → range), cut from `lock`; undefined
 * when `lock` does not hold them all (the caller then ships package.json alone).
 */
export function runtimeLock(lock: PackageLock, manifest: { name: string; version: string; dependencies: Readonly<Record<string, string>> }): PackageLock | undefined {
  const packages = lock.packages;
  if (!packages || (lock.lockfileVersion ?? 0) < 2) return undefined;
  const out: Record<string, LockEntry> = { '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies } };
  const queue: string[] = [];
  for (const name of Object.keys(manifest.dependencies)) {
    const at = locate(packages, '', name);
    if (!at) return undefined;
    queue.push(at);
  }
  while (queue.length) {
    const at = queue.shift()!;
    if (out[at]) continue;
    const entry = packages[at]!;
    // The flags say how the entry was reached in the workspace (a dev or peer dependency); npm ci recomputes them.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, optional: _optional, ...kept } = entry;
    out[at] = kept;
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const needed = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !optionalPeers[n]?.optional)];
    for (const name of needed) {
      const found = locate(packages, at, name);
      if (!found) return undefined;
      queue.push(found);
    }
    // Optional dependencies (platform binaries) are kept when the workspace locked them, skipped otherwise.
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      const found = locate(packages, at, name);
      if (found) queue.push(found);
    }
  }
  return { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages: out } as PackageLock;
}
