/** @module The stage graph: edges from outs to deps by path, graph errors, and `pipe dag` output formats. */
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

interface DagJson {
  stages: string[];
  edges: { from: string; to: string; paths: string[] }[];
}

async function dagJson(repo: Repo): Promise<DagJson> {
  const r = await repo.pipe(['dag', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as DagJson;
}

/** Stage names in the order their `running because` lines appeared. */
function runOrder(stdout: string): string[] {
  return [...stdout.matchAll(/^(\S+): running because/gm)].map((m) => m[1] as string);
}

/**
 * Declared consumers-first so that declaration order is not a valid run order:
 * - `report` depends on the directory `data`, which contains `prep`'s out `data/clean/rows.txt`;
 * - `train` depends on `models/weights.txt`, a file inside `fit`'s out directory `models`;
 * - `fit` depends on `data/clean/rows.txt` exactly.
 */
function graphRepo(): Repo {
  const repo = makeRepo({ 'raw.txt': 'r1\nr2\n', 'data/notes.txt': 'hand-written\n' });
  repo.stages({
    report: { cmd: 'ls -R data > report.txt', deps: ['data'], outs: ['report.txt'] },
    train: { cmd: 'cat models/weights.txt > trained.txt', deps: ['models/weights.txt'], outs: ['trained.txt'] },
    fit: { cmd: 'mkdir -p models && cp data/clean/rows.txt models/weights.txt', deps: ['data/clean/rows.txt'], outs: ['models'] },
    prep: { cmd: 'cp raw.txt data/clean/rows.txt', deps: ['raw.txt'], outs: ['data/clean/rows.txt'] },
  });
  return repo;
}

describe('dag', () => {
  it('connects outs to deps by exact path, by a dep directory holding an out, and by a dep inside an out directory', async () => {
    const g = await dagJson(graphRepo());
    expect(g.edges).toHaveLength(3);
    expect(g.edges).toEqual(
      expect.arrayContaining([
        { from: 'prep', to: 'fit', paths: ['data/clean/rows.txt'] },
        { from: 'prep', to: 'report', paths: ['data'] },
        { from: 'fit', to: 'train', paths: ['models/weights.txt'] },
      ]),
    );
    const pos = (s: string) => g.stages.indexOf(s);
    expect(g.stages).toHaveLength(4);
    expect(pos('prep')).toBeLessThan(pos('fit'));
    expect(pos('prep')).toBeLessThan(pos('report'));
    expect(pos('fit')).toBeLessThan(pos('train'));
  });

  it('repro runs stages in that dependency order, not in declaration order', async () => {
    const repo = graphRepo();
    const r = await repo.pipe(['repro', '-j', '1']);
    expect(r.code, r.stderr).toBe(0);
    const order = runOrder(r.stdout);
    expect(order).toHaveLength(4);
    const pos = (s: string) => order.indexOf(s);
    expect(pos('prep')).toBeLessThan(pos('fit'));
    expect(pos('prep')).toBeLessThan(pos('report'));
    expect(pos('fit')).toBeLessThan(pos('train'));
    expect(repo.read('trained.txt')).toBe('r1\nr2\n');
    expect(repo.read('report.txt')).toContain('rows.txt');
  });

  it('text output lists each stage with the stages and paths it depends on', async () => {
    const r = await graphRepo().pipe(['dag']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines).toContain('prep');
    expect(lines).toContainEqual(expect.stringMatching(/^fit\s+<- prep \(data\/clean\/rows\.txt\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^train\s+<- fit \(models\/weights\.txt\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^report\s+<- prep \(data\)$/));
  });

  it('--mermaid prints a flowchart with every stage and edge', async () => {
    const r = await graphRepo().pipe(['dag', '--mermaid']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flowchart/);
    for (const s of ['prep', 'fit', 'train', 'report']) expect(r.stdout).toContain(`"${s}"`);
    expect(r.stdout.match(/-->/g)).toHaveLength(3);
  });

  it('--dot prints a Graphviz digraph with every edge', async () => {
    const r = await graphRepo().pipe(['dag', '--dot']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^(strict )?digraph/);
    expect(r.stdout).toMatch(/"prep" -> "fit"/);
    expect(r.stdout).toMatch(/"fit" -> "train"/);
    expect(r.stdout).toMatch(/"prep" -> "report"/);
    expect(r.stdout.trim().endsWith('}')).toBe(true);
  });

  it('two output formats at once is a usage error (exit 2)', async () => {
    const r = await graphRepo().pipe(['dag', '--dot', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dot/);
  });

  it('a cycle exits 2 and prints the cycle', async () => {
    const repo = makeRepo();
    repo.stages({
      a: { cmd: 'cp b.txt a.txt', deps: ['b.txt'], outs: ['a.txt'] },
      b: { cmd: 'cp a.txt b.txt', deps: ['a.txt'], outs: ['b.txt'] },
    });
    for (const cmd of [['dag'], ['repro']]) {
      const r = await repo.pipe(cmd);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cycle: (a -> b -> a|b -> a -> b)/);
    }
    expect(repo.exists('data.lock')).toBe(false);
  });

  it('two stages declaring the same out exit 2 naming both stages and the path', async () => {
    const repo = makeRepo();
    repo.stages({
      one: { cmd: 'echo 1 > same.txt', outs: ['same.txt'] },
      two: { cmd: 'echo 2 > same.txt', outs: ['same.txt'] },
    });
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/same\.txt/);
    expect(r.stderr).toMatch(/'one'/);
    expect(r.stderr).toMatch(/'two'/);
    expect(repo.exists('same.txt')).toBe(false);
  });

  it('overlapping outs (out/x and out/x/y) exit 2 naming both paths and stages', async () => {
    const repo = makeRepo();
    repo.stages({
      outer: { cmd: 'mkdir -p out/x', outs: ['out/x'] },
      inner: { cmd: 'mkdir -p out/x && echo > out/x/y', outs: ['out/x/y'] },
    });
    const r = await repo.pipe(['dag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/overlap/);
    expect(r.stderr).toContain("'out/x/y'");
    expect(r.stderr).toContain("'out/x'");
    expect(r.stderr).toContain("'outer'");
    expect(r.stderr).toContain("'inner'");
  });

  it('a stage depending on its own out exits 2 naming the stage and the path', async () => {
    const repo = makeRepo();
    repo.stages({ loop: { cmd: 'echo > self.txt', deps: ['self.txt'], outs: ['self.txt'] } });
    const r = await repo.pipe(['repro']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'loop'.*own out.*'self\.txt'/);
    expect(repo.exists('self.txt')).toBe(false);
  });

  it('an empty pipeline says so', async () => {
    const r = await makeRepo({ 'pipeline.yaml': 'stages: {}\n' }).pipe(['dag']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No stages/);
  });
});
