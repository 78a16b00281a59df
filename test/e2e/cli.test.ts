/** @module The command line itself: version, help, and usage errors (exit 2). */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos } from '../helpers/repo.js';

afterAll(removeRepos);

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const simple = () =>
  makeRepo({
    'pipeline.yaml': 'stages:\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n',
  });

describe('pipe command line', () => {
  it('--version prints the package version and exits 0', async () => {
    const r = await simple().pipe(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('help lists every command with its summary', async () => {
    const r = await simple().pipe(['help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: pipe <command>/);
    for (const cmd of ['repro', 'status', 'dag']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\s+\\S`, 'm'));
  });

  it('help repro explains the command: usage, what it does and its options', async () => {
    const r = await simple().pipe(['help', 'repro']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pipe repro/);
    expect(r.stdout).toMatch(/data\.lock/);
    for (const flag of ['--force', '--single-item', '--downstream', '--dry', '--jobs', '--keep-going']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('repro --help shows the same help as help repro', async () => {
    const repo = simple();
    const [a, b] = await Promise.all([repo.pipe(['repro', '--help']), repo.pipe(['help', 'repro'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(repo.exists('data.lock')).toBe(false);
  });

  it('an unknown command exits 2 naming it', async () => {
    const r = await simple().pipe(['reproduce']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'reproduce'");
    expect(r.stdout).toBe('');
  });

  it('a mistyped command, subcommand or option exits 2 with the one it was most likely meant to be', async () => {
    const repo = simple();
    const cases: [string[], string][] = [
      [['reproo'], "error: unknown command 'reproo'; did you mean 'pipe repro'?"],
      [['help', 'stauts'], "error: no help for 'stauts': there is no such command; did you mean 'pipe help status'?"],
      [['remote', 'ad', 'x', '/tmp/x'], "error: unknown subcommand 'ad' of pipe remote; did you mean 'pipe remote add'?"],
      [['repro', '--forse'], "error: Unknown option '--forse'; did you mean '--force'? (pipe repro); see 'pipe help repro'"],
    ];
    for (const [args, message] of cases) {
      const r = await repo.pipe(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`${message}\n`);
    }
    // Nothing close: no guess, the list to choose from instead.
    const far = await repo.pipe(['deploy']);
    expect(far.stderr).toBe("error: unknown command 'deploy'; run 'pipe help' to list the commands\n");
    const sub = await repo.pipe(['remote', 'frobnicate']);
    expect(sub.stderr).toMatch(/one of add, list/);
    expect(sub.stderr).not.toContain('did you mean');
    expect(repo.exists('data.lock')).toBe(false);
  });

  it('an unknown flag exits 2 naming the flag, and runs nothing', async () => {
    const repo = simple();
    const r = await repo.pipe(['repro', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--frobnicate');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user error
    expect(repo.exists('a.txt')).toBe(false);
    expect(repo.exists('data.lock')).toBe(false);
  });

  it('-j 0 exits 2 naming --jobs, and runs nothing', async () => {
    const repo = simple();
    const r = await repo.pipe(['repro', '-j', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jobs.*'0'/);
    expect(repo.exists('a.txt')).toBe(false);
  });

  it('-j with a non-number exits 2', async () => {
    const r = await simple().pipe(['repro', '-j', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jobs.*'many'/);
  });

  it('help for an unknown command exits 2', async () => {
    const r = await simple().pipe(['help', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'nope'");
  });

  it('outside any pipeline, repro exits 2 saying there is no pipeline.yaml', async () => {
    const r = await makeRepo({ 'README.md': 'no pipeline here\n' }).pipe(['repro']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no pipeline\.yaml/);
  });
});
