#!/usr/bin/env node
// pipe import dvc (issue 18 item 3) on a DVC project as DVC 3 leaves it: `data/images` added with
// `dvc add` (--files files of --kib KiB, random bytes), a stage `count` reading it, dvc.lock,
// and `.dvc/cache` holding every object (files/md5/ab/cdef…, the `.dir` manifest). Timed, on
// the built CLI, each the median of --runs fresh copies:
//   - pipe status before any import (.dvc file and dvc.lock taken over in memory: md5 of it all)
//   - pipe import dvc --dry (every object read once: md5 checked, sha256 taken; nothing stored)
//   - pipe import dvc (the same, objects hard-linked into .pipe/cache)
//   - pipe import dvc again (nothing to do), then pipe status after import
//
//   npm run build && node bench/import-dvc.mjs [--files N] [--kib K] [--runs N] [--dir DIR] [--keep]
//
// Prints a Markdown section on stdout; progress goes to stderr.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { log, pipe } from './lib/harness.mjs';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '10000' },
    kib: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const nfiles = Number(values.files);
const kib = Number(values.kib);
const runs = Number(values.runs);
const base = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-import-bench-'));
const template = join(base, 'template');
rmSync(template, { recursive: true, force: true });
mkdirSync(template, { recursive: true });
execFileSync('git', ['init', '-q', template]);

const md5 = (b) => createHash('md5').update(b).digest('hex');
const put = (rel, bytes, mode) => {
  mkdirSync(dirname(join(template, rel)), { recursive: true });
  writeFileSync(join(template, rel), bytes, mode === undefined ? undefined : { mode });
};
const object = (hash) => `.dvc/cache/files/md5/${hash.slice(0, 2)}/${hash.slice(2)}`;

log(`writing ${nfiles} files of ${kib} KiB and their DVC cache…`);
put('.dvc/config', '');
const entries = [];
let size = 0;
for (let i = 0; i < nfiles; i++) {
  const rel = `${String(i % 100).padStart(2, '0')}/img-${i}.bin`;
  const bytes = randomBytes(kib * 1024);
  put(`data/images/${rel}`, bytes);
  const h = md5(bytes);
  put(object(h), bytes, 0o444);
  entries.push({ md5: h, relpath: rel });
  size += bytes.length;
}
entries.sort((a, b) => (a.relpath < b.relpath ? -1 : 1));
const manifest = `[${entries.map((e) => `{"md5": "${e.md5}", "relpath": "${e.relpath}"}`).join(', ')}]`;
const dirHash = `${md5(manifest)}.dir`;
put(object(dirHash), manifest, 0o444);
put('data/images.dvc', `outs:\n- md5: ${dirHash}\n  size: ${size}\n  nfiles: ${nfiles}\n  hash: md5\n  path: images\n`);
put('data/.gitignore', '/images\n');
const script = 'find data/images -type f | wc -l > count.txt\n';
put('count.sh', script);
const count = `${nfiles}\n`;
put('count.txt', count);
put('dvc.yaml', 'stages:\n  count:\n    cmd: sh count.sh\n    deps: [data/images, count.sh]\n    outs: [count.txt]\n');
put(
  'dvc.lock',
  `schema: '2.0'\nstages:\n  count:\n    cmd: sh count.sh\n    deps:\n    - path: count.sh\n      hash: md5\n      md5: ${md5(script)}\n      size: ${script.length}\n    - path: data/images\n      hash: md5\n      md5: ${dirHash}\n      size: ${size}\n      nfiles: ${nfiles}\n    outs:\n    - path: count.txt\n      hash: md5\n      md5: ${md5(count)}\n      size: ${count.length}\n`,
);
put(object(md5(count)), count, 0o444);

const run = (dir, args) => {
  const t = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', `${pipe} ${args}`], { cwd: dir, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`pipe ${args} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return { ms, out: r.stdout };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const times = { statusBefore: [], dry: [], first: [], again: [], statusAfter: [] };
let report = '';
for (let i = 0; i < runs; i++) {
  const dir = join(base, `run-${i}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(template, dir, { recursive: true });
  log(`run ${i + 1}/${runs}`);
  times.statusBefore.push(run(dir, 'status').ms);
  times.dry.push(run(dir, 'import dvc --dry').ms);
  const first = run(dir, 'import dvc');
  times.first.push(first.ms);
  report = first.out;
  times.again.push(run(dir, 'import dvc').ms);
  const st = run(dir, 'status');
  if (!/Everything is up to date/.test(st.out)) throw new Error(`not up to date after import:\n${st.out}`);
  times.statusAfter.push(st.ms);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
if (!values.keep && !values.dir) rmSync(base, { recursive: true, force: true });

const ms = (xs) => `${Math.round(median(xs))} ms`;
const mib = (size / 2 ** 20).toFixed(0);
process.stdout.write(`### pipe import dvc: ${nfiles.toLocaleString('en-US')} files, ${mib} MiB

\`node bench/import-dvc.mjs --files ${nfiles} --kib ${kib} --runs ${runs}\` (median of ${runs} fresh copies; ${cpus().length} cores, Node ${process.versions.node}, load average ${loadavg()[0].toFixed(2)} when it finished)

| step | time |
| --- | --- |
| \`pipe status\` before import (md5 of the .dvc-tracked data, in memory) | ${ms(times.statusBefore)} |
| \`pipe import dvc --dry\` | ${ms(times.dry)} |
| \`pipe import dvc\` | ${ms(times.first)} |
| \`pipe import dvc\` again (nothing to do) | ${ms(times.again)} |
| \`pipe status\` after import | ${ms(times.statusAfter)} |

Report of the first import:
\`\`\`
${report.trimEnd()}
\`\`\`
`);
