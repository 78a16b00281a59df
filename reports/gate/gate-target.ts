/** @module Which branch a change is heading into (the rules' `branches:` filter) and which revision to compare against. */
import picomatch from 'picomatch';

/**
 * A `branches:` pattern matches a branch name, with the glob syntax GitHub's `branches:` filters
 * use: `*` any run of characters except '/', `**` anything, `?`, `[abc]`, `{a,b}`; dots match too
 * (`release/*` matches `release/.hotfix`).
 */
export function branchMatches(pattern: string, branch: string): boolean {
  return picomatch.isMatch(branch, pattern, { dot: true });
}

/**
 * The target branch: `--target`, else the pull request's base (GITHUB_BASE_REF), else the base
 * revision when it names a branch (`main`, `origin/main`, `refs/remotes/origin/main`); a model
 * reference (`churn#prod`, `churn@latest`) names no branch.
 */
export function gateTarget({ target, base, env = process.env }: { target?: string; base: string; env?: NodeJS.ProcessEnv }): string | undefined {
  if (target) return target;
  if (env.GITHUB_BASE_REF) return env.GITHUB_BASE_REF;
  if (/^(HEAD|FETCH_HEAD|ORIG_HEAD)([~^].*)?$/.test(base) || /[~^:@#]/.test(base) || /^[0-9a-f]{7,40}$/.test(base)) return undefined;
  return base.replace(/^refs\/(heads|remotes\/[^/]+)\//, '').replace(/^origin\//, '');
}

/**
 * `--base` when given; in a pull request's CI job, its base branch as fetched (origin/<base>,
 * which a shallow checkout has when the workflow fetches it) or as a local branch; else HEAD.
 */
export function defaultBaseCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const ref = env.GITHUB_BASE_REF;
  return ref ? [`origin/${ref}`, ref] : ['HEAD'];
}
