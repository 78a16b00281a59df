#!/usr/bin/env node
// @ts-check
/**
 * @module The next GTO-style version tag of a model (`churn@v1.4.0`), for the test → main
 * workflow: the highest existing `MODEL@vX.Y.Z` tag bumped by the commit messages of the merge
 * (`[model:major]`, `[model:minor]`; patch by default; the first tag is v1.0.0). No tag when
 * the model's hash in data.lock is the one the latest tag already has, or when HEAD is tagged.
 *
 *   node scripts/next-model-tag.mjs [--model churn] [--path models/churn] [--range BEFORE..AFTER]
 *
 * Prints `action=create|exists|unchanged|no-model`, `tag=…`, `previous=…`, `bump=…`, `hash=…`, one per
 * line, on stdout, and appends them to $GITHUB_OUTPUT when it is set. Needs node, git and the
 * yaml package (npm ci).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

const LEVELS = /** @type {const} */ (['patch', 'minor', 'major']);

/** @typedef {{ major: number, minor: number, patch: number }} Version */
/** @typedef {'patch' | 'minor' | 'major'} Bump */

/**
 * The version in `MODEL@vX.Y.Z`, or undefined for any other tag (another model, a pre-release, a typo).
 * @param {string} tag
 * @param {string} model
 * @returns {Version | undefined}
 */
export function parseModelTag(tag, model) {
  if (!tag.startsWith(`${model}@v`)) return undefined;
  const m = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(tag.slice(model.length + 2));
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

/**
 * The highest version tag of the model among `tags`.
 * @param {readonly string[]} tags
 * @param {string} model
 * @returns {{ tag: string, version: Version } | undefined}
 */
export function latestModelTag(tags, model) {
  /** @type {{ tag: string, version: Version } | undefined} */
  let best;
  for (const tag of tags) {
    const version = parseModelTag(tag.trim(), model);
    if (version && (!best || compareVersions(version, best.version) > 0)) best = { tag: tag.trim(), version };
  }
  return best;
}

/**
 * @param {Version} a
 * @param {Version} b
 */
export function compareVersions(a, b) {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * The largest bump any message asks for with `[model:major]`, `[model:minor]` or `[model:patch]`; patch when none does.
 * @param {readonly string[]} messages
 * @returns {Bump}
 */
export function bumpFromMessages(messages) {
  let level = 0;
  for (const message of messages) {
    for (const m of message.matchAll(/\[model:(major|minor|patch)\]/gi)) {
      level = Math.max(level, LEVELS.indexOf(/** @type {Bump} */ (m[1]?.toLowerCase())));
    }
  }
  return LEVELS[level] ?? 'patch';
}

/**
 * @param {Version | undefined} latest
 * @param {Bump} bump
 * @returns {Version}
 */
export function bumpVersion(latest, bump) {
  if (!latest) return { major: 1, minor: 0, patch: 0 };
  if (bump === 'major') return { major: latest.major + 1, minor: 0, patch: 0 };
  if (bump === 'minor') return { major: latest.major, minor: latest.minor + 1, patch: 0 };
  return { major: latest.major, minor: latest.minor, patch: latest.patch + 1 };
}

/**
 * The hash data.lock records for the out at `path`: only in a stage's `outs` (a stage that
 * depends on the model lists it, with the hash it read, which may be older, under `deps`).
 * A data.lock that does not parse records no model.
 * @param {string | undefined} lockText
 * @param {string} path
 * @returns {string | undefined}
 */
export function modelHash(lockText, path) {
  if (!lockText) return undefined;
  let lock;
  try {
    lock = parse(lockText);
  } catch {
    return undefined;
  }
  const stages = lock && typeof lock === 'object' && lock.stages && typeof lock.stages === 'object' ? Object.values(lock.stages) : [];
  for (const stage of stages) {
    const outs = stage && typeof stage === 'object' && Array.isArray(stage.outs) ? stage.outs : [];
    const out = outs.find((/** @type {unknown} */ o) => o && typeof o === 'object' && /** @type {{ path?: unknown }} */ (o).path === path);
    if (out && typeof out.hash === 'string') return out.hash;
  }
  return undefined;
}

/**
 * What to do at HEAD.
 * @param {{ model: string, tags: readonly string[], tagsAtHead: readonly string[], messages: readonly string[], hashAtHead: string | undefined, hashAtLatest: (tag: string) => string | undefined }} input
 * @returns {{ action: 'create' | 'exists' | 'unchanged' | 'no-model', tag: string, previous: string, bump: Bump, hash: string }}
 */
export function planModelTag({ model, tags, tagsAtHead, messages, hashAtHead, hashAtLatest }) {
  const bump = bumpFromMessages(messages);
  const hash = hashAtHead ?? '';
  const here = latestModelTag(tagsAtHead, model);
  const latest = latestModelTag(tags, model);
  const previous = latest?.tag ?? '';
  if (here) return { action: 'exists', tag: here.tag, previous, bump, hash };
  // data.lock records no model (it was never trained, or the out was renamed): nothing to version.
  if (hash === '') return { action: 'no-model', tag: previous, previous, bump, hash };
  if (latest && hash !== '' && hashAtLatest(latest.tag) === hash) return { action: 'unchanged', tag: latest.tag, previous, bump, hash };
  const v = bumpVersion(latest?.version, bump);
  return { action: 'create', tag: `${model}@v${v.major}.${v.minor}.${v.patch}`, previous, bump, hash };
}

/**
 * @param {string[]} args
 * @param {string} cwd
 */
function git(args, cwd) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** @param {string} text */
const lines = (text) => text.split('\n').filter((l) => l.trim() !== '');

/**
 * @param {string[]} argv
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, out?: (line: string) => void }} [io]
 */
export function main(argv, { cwd = process.cwd(), env = process.env, out = (line) => console.log(line) } = {}) {
  const { values } = parseArgs({
    args: argv,
    options: { model: { type: 'string', default: 'churn' }, path: { type: 'string' }, range: { type: 'string' }, lock: { type: 'string', default: 'data.lock' } },
  });
  const model = /** @type {string} */ (values.model);
  const path = values.path ?? `models/${model}`;
  const lock = /** @type {string} */ (values.lock);
  // A push that created the branch or was forced has no usable "before": read HEAD's message alone.
  const range = values.range && !/^0+\.\./.test(values.range) ? values.range : undefined;
  let messages;
  try {
    messages = range ? git(['log', '--format=%B%x00', range], cwd).split('\0') : [git(['log', '-1', '--format=%B', 'HEAD'], cwd)];
  } catch {
    messages = [git(['log', '-1', '--format=%B', 'HEAD'], cwd)];
  }
  const show = (/** @type {string} */ rev) => {
    try {
      return git(['show', `${rev}:${lock}`], cwd);
    } catch {
      return undefined;
    }
  };
  const plan = planModelTag({
    model,
    tags: lines(git(['tag', '--list', `${model}@v*`], cwd)),
    tagsAtHead: lines(git(['tag', '--points-at', 'HEAD', '--list', `${model}@v*`], cwd)),
    messages,
    hashAtHead: modelHash(show('HEAD'), path),
    hashAtLatest: (tag) => modelHash(show(`refs/tags/${tag}`), path),
  });
  const output = Object.entries(plan).map(([k, v]) => `${k}=${v}`);
  for (const line of output) out(line);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${output.join('\n')}\n`);
  return plan;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`next-model-tag: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
