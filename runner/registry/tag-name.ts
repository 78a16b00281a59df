/**
 * @module The model registry's git tag names, in GTO's exact grammar (iterative/gto, gto/constants.py),
 * so that GTO and anything reading GTO tags reads a pipe registry unchanged:
 *
 *   churn@v1.2.0        register a version (full SemVer 2, pre-release and build allowed)
 *   churn@v1.2.0!       deregister it
 *   churn#prod#7        assign stage prod (7: the artifact's highest counter + 1)
 *   churn#prod!#8       unassign it
 *   churn@deprecated#9  deprecate the artifact
 *   models=churn@v1.0.0 an artifact `models:churn` declared in the pipeline of sub-directory `models`
 */

/** An artifact or stage name: lowercase letters, digits, '-' and '/', starting and ending with a letter or digit. */
const NAME = '[a-z0-9](?:[a-z0-9/-]*[a-z0-9])?';
const DIRNAME = '[a-z0-9_./-]+';
const SEMVER =
  '(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)' +
  '(?:-(?:(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?' +
  '(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?';

const NAME_RE = new RegExp(`^${NAME}$`);
const FULLNAME_RE = new RegExp(`^(?:${DIRNAME}:)?${NAME}$`);
const VERSION_RE = new RegExp(`^v${SEMVER}$`);
const TAG_RE = new RegExp(
  `^(?<artifact>(?:${DIRNAME}=)?${NAME})(?:(?:#(?<stage>${NAME})|@(?<version>v${SEMVER}))(?<cancel>!?)|@(?<deprecated>deprecated|created))(?:#(?<counter>[0-9]+))?$`,
);
const SHORTCUT_RE = new RegExp(`^(?<artifact>(?:${DIRNAME}:)?${NAME})(?:#(?<stage>${NAME})|@(?<version>latest|greatest|v${SEMVER}))$`);

export type TagAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate' | 'create';

export interface ParsedTag {
  /** The artifact's name as the registry shows it (`dir:name` for a sub-directory's). */
  readonly artifact: string;
  readonly action: TagAction;
  readonly version?: string;
  readonly stage?: string;
  readonly counter?: number;
}

/** A tag name's meaning, or undefined for a tag that is not the registry's (ignored, as GTO does). */
export function parseTagName(tag: string): ParsedTag | undefined {
  const m = TAG_RE.exec(tag);
  const g = m?.groups;
  if (!g?.artifact) return undefined;
  const artifact = g.artifact.replace('=', ':');
  const counter = g.counter === undefined ? {} : { counter: Number(g.counter) };
  if (g.version) return { artifact, action: g.cancel ? 'deregister' : 'register', version: g.version, ...counter };
  if (g.stage) return { artifact, action: g.cancel ? 'unassign' : 'assign', stage: g.stage, ...counter };
  return { artifact, action: g.deprecated === 'created' ? 'create' : 'deprecate', ...counter };
}

/** The tag that records `action`: `counter` is required for assign, unassign and deprecate (GTO writes them with one). */
export function formatTagName(t: ParsedTag): string {
  const name = t.artifact.replace(':', '=');
  const counter = t.counter === undefined ? '' : `#${t.counter}`;
  switch (t.action) {
    case 'register':
      return `${name}@${t.version}${counter}`;
    case 'deregister':
      return `${name}@${t.version}!${counter}`;
    case 'assign':
      return `${name}#${t.stage}${counter}`;
    case 'unassign':
      return `${name}#${t.stage}!${counter}`;
    case 'deprecate':
      return `${name}@deprecated${counter}`;
    case 'create':
      return `${name}@created${counter}`;
  }
}

/** GTO's tag messages, so `git show churn@v1.2.0` reads the same whichever tool wrote it. */
export function defaultTagMessage(t: ParsedTag, version?: string): string {
  switch (t.action) {
    case 'register':
      return `Registering artifact ${t.artifact} version ${t.version}`;
    case 'deregister':
      return `Deregistering artifact ${t.artifact} version ${t.version}`;
    case 'assign':
      return `Assigning stage ${t.stage} to artifact ${t.artifact} version ${version ?? '?'}`;
    case 'unassign':
      return `Unassigning stage '${t.stage}' to artifact '${t.artifact}' version '${version ?? '?'}'`;
    case 'deprecate':
      return `Deprecating artifact '${t.artifact}'`;
    case 'create':
      return `Creating artifact '${t.artifact}'`;
  }
}

/**
 * The longest artifact or stage name: a tag holds it and a version and counter after it, and git
 * keeps a tag as a file whose name (past the last '/') may not pass 255 bytes.
 */
export const MAX_NAME_LENGTH = 200;

/** GTO's grammar allows `a//b`, which no git tag can be (git refuses an empty path component). */
const taggable = (name: string) => name.length <= MAX_NAME_LENGTH && !name.includes('//');

export function isArtifactName(name: string): boolean {
  return FULLNAME_RE.test(name) && taggable(name);
}

/** A name an `artifacts:` section may declare: no `dir:` (that is how a sub-directory's artifacts are named from outside). */
export function isDeclaredArtifactName(name: string): boolean {
  return NAME_RE.test(name) && taggable(name);
}

export function isStageName(name: string): boolean {
  return NAME_RE.test(name) && taggable(name);
}

export function isVersion(v: string): boolean {
  return VERSION_RE.test(v);
}

export interface ModelReference {
  readonly artifact: string;
  /** `vX.Y.Z`, or 'latest' / 'greatest' (the highest registered SemVer; GTO treats both alike). */
  readonly version?: string;
  readonly stage?: string;
}

/** `churn@v1.2.0`, `churn@latest`, `churn@greatest`, `churn#prod`; undefined when `ref` is none of these. */
export function parseModelReference(ref: string): ModelReference | undefined {
  const g = SHORTCUT_RE.exec(ref)?.groups;
  if (!g?.artifact) return undefined;
  return { artifact: g.artifact, ...(g.version ? { version: g.version } : {}), ...(g.stage ? { stage: g.stage } : {}) };
}

/** SemVer 2 precedence of two `vX.Y.Z[-pre][+build]` versions (build metadata ignored): negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core = '', pre] = v.replace(/^v/, '').split('+')[0]?.split(/-(.*)/s) ?? [];
    return { nums: core.split('.').map(Number), pre: pre === undefined ? undefined : pre.split('.') };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d) return d;
  }
  if (!x.pre || !y.pre) return x.pre ? -1 : y.pre ? 1 : 0;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) {
      const d = Number(p) - Number(q);
      if (d) return d;
    } else if (pn !== qn) return pn ? -1 : 1;
    else if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

/** The next version after `v` for a bump (the first version is v0.0.1 without one, as GTO's minimal version). */
export function bumpVersion(v: string | undefined, part: 'major' | 'minor' | 'patch'): string {
  if (!v) return part === 'major' ? 'v1.0.0' : part === 'minor' ? 'v0.1.0' : 'v0.0.1';
  const [major = 0, minor = 0, patch = 0] = v.replace(/^v/, '').split(/[-+]/)[0]?.split('.').map(Number) ?? [];
  if (part === 'major') return `v${major + 1}.0.0`;
  if (part === 'minor') return `v${major}.${minor + 1}.0`;
  return `v${major}.${minor}.${patch + 1}`;
}
