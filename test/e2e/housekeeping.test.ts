/** @module Files pipe keeps for git: the managed block of cached outs in .gitignore, and .pipe/.gitignore. */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

const BEGIN = /^# >>> pipe:.*$/m;

function outsRepo(userIgnore?: string): Repo {
  const repo = makeRepo(userIgnore === undefined ? {} : { '.gitignore': userIgnore });
  repo.stages({
    train: {
      cmd: 'mkdir -p models && echo m > models/m.bin && echo \'{"auc": 1}\' > metrics.json && echo p > plot.json && echo k > kept.txt',
      outs: ['models', { 'kept.txt': { cache: false } }],
      metrics: ['metrics.json'],
      plots: ['plot.json'],
    },
  });
  return repo;
}

/** What git itself says about a path: ignored or not. */
function gitIgnores(repo: Repo, path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', path], { cwd: repo.dir });
    return true;
  } catch {
    return false;
  }
}

/** The lines between the managed block's markers. */
function managedLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => BEGIN.test(l));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('# <<< pipe'));
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return lines.slice(start + 1, end);
}

describe('housekeeping', () => {
  it('git-ignores cached outs in a managed block, but not metrics, plots or cache: false outs', async () => {
    const repo = outsRepo();
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const text = repo.read('.gitignore');
    expect(managedLines(text)).toEqual(['/models']);
    expect(gitIgnores(repo, 'models/m.bin')).toBe(true);
    expect(gitIgnores(repo, 'metrics.json')).toBe(false);
    expect(gitIgnores(repo, 'plot.json')).toBe(false);
    expect(gitIgnores(repo, 'kept.txt')).toBe(false);
    expect(gitIgnores(repo, 'data.lock')).toBe(false);
    expect(gitIgnores(repo, 'pipeline.yaml')).toBe(false);
  });

  it("leaves the user's own lines untouched and does not duplicate the block across runs", async () => {
    const user = '# my stuff\nnode_modules/\n*.log\n';
    const repo = outsRepo(user);
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const once = repo.read('.gitignore');
    expect(once.startsWith(user)).toBe(true);
    expect(managedLines(once)).toEqual(['/models']);

    expect((await repo.pipe(['repro', '-f'])).code).toBe(0);
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const thrice = repo.read('.gitignore');
    expect(thrice).toBe(once);
    expect(thrice.match(/^# >>> pipe/gm)).toHaveLength(1);
    expect(thrice.match(/^\/models$/gm)).toHaveLength(1);
  });

  it('keeps user lines after the block too, and updates the block when outs change', async () => {
    const repo = outsRepo('top\n');
    expect((await repo.pipe(['repro'])).code).toBe(0);
    repo.write('.gitignore', `${repo.read('.gitignore')}bottom\n`);
    repo.stages({ other: { cmd: 'echo > other.bin', outs: ['other.bin'] } });
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const text = repo.read('.gitignore');
    expect(managedLines(text)).toEqual(['/other.bin']);
    expect(text.startsWith('top\n')).toBe(true);
    expect(text.endsWith('bottom\n')).toBe(true);
  });

  it('creates .pipe/.gitignore so the cache and tmp/ are never committed', async () => {
    const repo = outsRepo();
    expect((await repo.pipe(['repro'])).code).toBe(0);
    const text = repo.read('.pipe/.gitignore');
    expect(text).toMatch(/^\/cache\/$/m);
    expect(text).toMatch(/^\/tmp\/$/m);
    expect(gitIgnores(repo, '.pipe/tmp/state/paths.json')).toBe(true);
    expect(gitIgnores(repo, '.pipe/config.yaml')).toBe(false);
  });
});
