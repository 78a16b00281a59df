// Fault injection, shared by test/fault/ (a bounded CI run) and bench/faults.mjs (the full run):
// a repository with a small multi-stage pipeline, tracked data and a directory remote; a seeded
// random operation (repro, add, checkout, push, pull, gc) run through the built CLI and SIGKILLed
// at a random moment, either the runner alone or its whole process tree; then the same command
// again (as a user would), `pipe repro` and `pipe status`, and a check of everything on disk. A
// trial whose checks fail is a corrupt state.
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout, clearTimeout } from 'node:timers';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

export const OPERATIONS = ['repro', 'add', 'checkout', 'push', 'pull', 'gc'];
export const KINDS = ['runner', 'tree'];
/**
 * Ops whose work `repro` does not redo: after a kill the user runs them again. A killed push too:
 * what it had not sent is still to send, and a temp file it was writing on a directory remote is
 * removed by the next push from the repository (its record in the cache's tmp/remote-writers/ names it).
 */
const RERUN = new Set(['add', 'checkout', 'push', 'pull']);

/** mulberry32: a small seeded PRNG, so that a seed names the same sequence of operations, kinds and delays. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

// Stages in sh (a node start per stage would triple the time of a trial). Each writes its outs in
// place, over a few tens of milliseconds, so that kills land while outs are half written.
const FILES = {
  'params.yaml': 'gen:\n  n: 24\n  salt: 0\n',
  'stages/gen.sh': [
    'salt=$(sed -n "s/^  salt: //p" params.yaml); n=$(sed -n "s/^  n: //p" params.yaml)',
    'mkdir -p data/raw; i=0',
    'while [ $i -lt $n ]; do yes "$salt-$i" | head -c 6000 > data/raw/f$i.txt; [ $((i % 6)) -eq 0 ] && sleep 0.02; i=$((i + 1)); done',
    '',
  ].join('\n'),
  'stages/feat.sh': 'for f in data/raw/*; do cat "$f" >> data/feat.txt; done; sleep 0.05; wc -l < data/feat.txt >> data/feat.txt\n',
  'stages/summ.sh': [
    'mkdir -p models/m log',
    'wc -c < data/feat.txt > models/m/size; sleep 0.03',
    'cat data/extra/* | cksum > models/m/extra; head -c 20000 data/feat.txt > models/m/head',
    'echo "$(wc -c < data/feat.txt)" >> log/history.txt',
    'printf \'{"bytes": %s}\\n\' "$(wc -c < data/feat.txt)" > metrics.json',
    '',
  ].join('\n'),
  'pipeline.yaml': [
    'stages:',
    '  gen:',
    '    cmd: sh stages/gen.sh',
    '    deps: [stages/gen.sh]',
    '    params: [gen.n, gen.salt]',
    '    outs: [data/raw]',
    '  feat:',
    '    cmd: sh stages/feat.sh',
    '    deps: [stages/feat.sh, data/raw]',
    '    outs: [data/feat.txt]',
    '  summ:',
    '    cmd: sh stages/summ.sh',
    '    deps: [stages/summ.sh, data/feat.txt, data/extra]',
    '    outs:',
    '      - models/m',
    '      - log/history.txt: {persist: true}',
    '    metrics: [metrics.json]',
    '',
  ].join('\n'),
};

/**
 * Runs the CLI to the end (a hang detector of `timeoutMs`); `{ code, stdout, stderr, ms }`.
 * Asynchronous: with two workers in this process, a synchronous run would hold back the other's kill.
 */
function runPipe(bin, cwd, args, timeoutMs = 120_000) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

async function must(p, what) {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what} exited ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}

function git(cwd, ...args) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A fresh worker repository with its remote, reproduced, pushed and committed. */
export async function makeFaultRepo(dir, bin) {
  rmSync(dir, { recursive: true, force: true });
  const repo = join(dir, 'repo');
  const remote = join(dir, 'remote');
  mkdirSync(remote, { recursive: true });
  mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q');
  git(repo, 'config', 'user.email', 'faults@example.com');
  git(repo, 'config', 'user.name', 'faults');
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(join(repo, rel, '..'), { recursive: true });
    writeFileSync(join(repo, rel), text);
  }
  mkdirSync(join(repo, 'data/extra'), { recursive: true });
  for (let i = 0; i < 4; i++) writeFileSync(join(repo, `data/extra/e${i}.txt`), `extra ${i}\n`.repeat(200));
  await must(runPipe(bin, repo, ['add', 'data/extra']), 'setup add');
  await must(runPipe(bin, repo, ['remote', 'add', 'store', remote, '--default']), 'setup remote add');
  await must(runPipe(bin, repo, ['repro']), 'setup repro');
  await must(runPipe(bin, repo, ['push']), 'setup push');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'setup');
  return { dir, repo, remote };
}

/** Sets the stage for `op` (so that it has work to do) and returns the CLI arguments to run and kill. */
async function prepare(op, w, rnd, bin) {
  const { repo } = w;
  switch (op) {
    case 'repro': {
      const what = rnd.int(3);
      if (what === 0) writeFileSync(join(repo, 'params.yaml'), `gen:\n  n: ${16 + rnd.int(16)}\n  salt: ${rnd.int(5)}\n`);
      else if (what === 1) writeFileSync(join(repo, 'stages/feat.sh'), `${FILES['stages/feat.sh']}# ${rnd.int(4)}\n`);
      else replaceFile(join(repo, `data/extra/e${rnd.int(6)}.txt`), `changed ${rnd.int(1e6)}\n`.repeat(100));
      if (what === 2) await must(runPipe(bin, repo, ['add', 'data/extra']), 'prepare add');
      return ['repro'];
    }
    case 'add': {
      replaceFile(join(repo, `data/extra/e${rnd.int(6)}.txt`), `added ${rnd.int(1e6)}\n`.repeat(100 + rnd.int(400)));
      return ['add', 'data/extra'];
    }
    case 'checkout': {
      for (const p of ['data/raw', 'models/m', 'data/feat.txt', 'data/extra']) if (rnd.next() < 0.6) rmSync(join(repo, p), { recursive: true, force: true });
      return ['checkout'];
    }
    case 'push': {
      // Forget part of the remote, so that there is something to send: every directory manifest
      // and half the files, as an interrupted `gc --cloud` leaves it (manifests go first: a
      // remote that holds a manifest holds its files, and push relies on that).
      for (const f of listFiles(join(w.remote, 'files'))) if (f.endsWith('.dir') || rnd.next() < 0.5) rmSync(f, { force: true });
      return ['push'];
    }
    case 'pull': {
      // Lose cache objects the remote has (a pull must not depend on a push the trial did not make)
      // and some outs, as a fresh clone would.
      for (const f of listFiles(join(repo, '.pipe/cache/files'))) {
        if (rnd.next() < 0.5 && existsSync(join(w.remote, relative(join(repo, '.pipe/cache'), f)))) rmSync(f, { force: true });
      }
      for (const p of ['data/raw', 'models/m', 'data/feat.txt']) if (rnd.next() < 0.5) rmSync(join(repo, p), { recursive: true, force: true });
      return ['pull'];
    }
    case 'gc':
      // Garbage comes from the trials before (repro with other params, add of other data).
      return ['gc', '-w'];
    default:
      throw new Error(`unknown operation ${op}`);
  }
}

/**
 * A user's edit of tracked data, as editors save: a new file. (Writing in place through a
 * hardlink into the store would change the object itself: root ignores its read-only bit.)
 */
function replaceFile(file, text) {
  rmSync(file, { force: true });
  writeFileSync(file, text);
}

function listFiles(dir) {
  const out = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** Every process: pid → { ppid, pgrp, state }. */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), { state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]) });
    } catch {
      // gone
    }
  }
  return table;
}

/** SIGKILLs `pid`, every descendant, and every process group among them (stages run in groups of their own). */
function killTree(pid) {
  const table = processTable();
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, s] of table) {
      if (!tree.has(p) && tree.has(s.ppid)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  const groups = new Set([...tree].map((p) => table.get(p)?.pgrp).filter((g) => g && g !== process.pid && g > 1));
  const own = table.get(process.pid)?.pgrp;
  for (const g of groups) if (g !== own) trySignal(-g);
  for (const p of tree) trySignal(p);
}

function trySignal(target) {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // gone
  }
}

/** Starts the op, SIGKILLs it after `delayMs`; resolves to whether the kill landed (the runner was still running). */
function runAndKill(bin, cwd, args, delayMs, kind) {
  return new Promise((resolve) => {
    // Its own process group, as a shell would give a job: 'tree' kills are then aimed, never at us.
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: 'ignore', detached: true, env: { ...process.env, NO_COLOR: '1' } });
    let exited = false;
    let landed = false;
    const started = Date.now();
    const timer = setTimeout(() => {
      if (exited) return;
      landed = true;
      if (kind === 'tree') killTree(child.pid);
      else trySignal(child.pid);
    }, delayMs);
    child.on('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      resolve({ landed, code, ms: Date.now() - started });
    });
  });
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The hash pipe gives a workspace path (file: sha256 of its bytes; directory: of its manifest), or undefined. */
function workspaceHash(abs) {
  let st;
  try {
    st = statSync(abs);
  } catch {
    return undefined;
  }
  if (!st.isDirectory()) return `sha256:${sha256(readFileSync(abs))}`;
  const entries = listFiles(abs)
    .map((f) => {
      const rel = relative(abs, f).split('\\').join('/');
      const bytes = readFileSync(f);
      return { relpath: rel, hash: sha256(bytes), size: bytes.length, exec: (statSync(f).mode & 0o100) !== 0 };
    })
    .sort((a, b) => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0));
  const text = `[${entries.map((e) => JSON.stringify(e)).join(',\n')}]\n`;
  return `sha256:${sha256(text)}.dir`;
}

// (A writer's record of a directory remote, .pipe/cache/tmp/remote-writers/…, is under the store's tmp/, checked below: the push
// that removes what a dead one left removes its record too.)
const TEMP_NAME = /\.tmp$|\.pipe-(unprotect|link)-|\.stale\.|\.part$/;

/** Everything that must hold after a kill and the recovery run; returns the problems found. */
export function checkIntegrity(w) {
  const { repo } = w;
  const problems = [];
  // Every object hashes to its name.
  for (const store of [join(repo, '.pipe/cache/files/sha256'), join(w.remote, 'files/sha256')]) {
    for (const f of listFiles(store)) {
      const name = relative(store, f).replace('/', '');
      const hex = name.replace(/\.dir$/, '');
      if (!/^[0-9a-f]{64}$/.test(hex)) {
        problems.push(`stray file in ${relative(w.dir, store)}: ${name}`);
        continue;
      }
      if (sha256(readFileSync(f)) !== hex) problems.push(`object ${relative(w.dir, f)} does not hash to its name`);
    }
  }
  const corrupt = join(repo, '.pipe/cache/corrupt');
  if (existsSync(corrupt) && readdirSync(corrupt).length) problems.push(`${readdirSync(corrupt).length} object(s) found corrupt and quarantined`);
  // data.lock parses, and the workspace and the cache hold what it names.
  let lock;
  try {
    lock = parse(readFileSync(join(repo, 'data.lock'), 'utf8'));
  } catch (err) {
    problems.push(`data.lock does not parse: ${err.message}`);
    return problems;
  }
  const locked = [];
  for (const [name, s] of Object.entries(lock?.stages ?? {})) for (const o of s.outs ?? []) locked.push({ path: o.path, hash: o.hash, cached: !/metrics/.test(o.path), stage: name });
  for (const [path, d] of Object.entries(lock?.data ?? {})) locked.push({ path, hash: d.hash, cached: true });
  if (Object.keys(lock?.stages ?? {}).length !== 3) problems.push(`data.lock has ${Object.keys(lock?.stages ?? {}).length} stages, not 3`);
  for (const l of locked) {
    const now = workspaceHash(join(repo, l.path));
    if (now !== l.hash) problems.push(`workspace ${l.path} is ${now ?? 'missing'}, data.lock says ${l.hash}`);
    if (!l.cached) continue;
    const hex = l.hash.replace(/^sha256:/, '');
    const obj = join(repo, '.pipe/cache/files/sha256', hex.slice(0, 2), hex.slice(2));
    if (!existsSync(obj)) problems.push(`cache lacks ${l.path} (${l.hash})`);
    else if (l.hash.endsWith('.dir')) {
      for (const e of JSON.parse(readFileSync(obj, 'utf8'))) {
        if (!existsSync(join(repo, '.pipe/cache/files/sha256', e.hash.slice(0, 2), e.hash.slice(2)))) problems.push(`cache lacks ${l.path}/${e.relpath}`);
      }
    }
  }
  // No temp file left behind that the next run does not clean.
  for (const f of listFiles(repo)) {
    const rel = relative(repo, f);
    if (rel.startsWith('.git/')) continue;
    if (TEMP_NAME.test(rel) || rel.startsWith('.pipe/cache/tmp/')) problems.push(`leftover temp file ${rel}`);
  }
  // No process (a stage) still running in the repository.
  for (const [pid, s] of processTable()) {
    if (s.state === 'Z') continue;
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === repo || cwd.startsWith(`${repo}/`)) problems.push(`process ${pid} still runs in the repository`);
    } catch {
      // gone, or not ours to look at
    }
  }
  return problems;
}

/**
 * Runs `kills` trials on `parallel` workers under `base`. Returns the tally and the failures (each
 * failed repository is kept under `base/failures/`). `onTrial` hears about every trial.
 */
export async function runFaults({ bin, base, seed, kills, parallel = 1, ops = OPERATIONS, kinds = KINDS, onTrial = () => {} }) {
  mkdirSync(base, { recursive: true });
  const tally = { trials: 0, landed: 0, missed: 0, corrupt: 0, byOp: {}, byKind: {}, failures: [] };
  const est = Object.fromEntries(ops.map((o) => [o, 1500]));
  let inFlight = 0;
  let trials = 0;
  const worker = async (id) => {
    const rnd = prng(seed * 1000 + id);
    const dir = join(base, `w${id}`);
    let w = await makeFaultRepo(dir, bin);
    // Landed kills are what count: a kill that came after the op ended is a miss, and the next aim is shorter.
    while (tally.landed + inFlight < kills && trials < kills * 4) {
      const trial = trials++;
      inFlight++;
      const op = rnd.pick(ops);
      const kind = rnd.pick(kinds);
      const args = await prepare(op, w, rnd, bin);
      const delay = Math.round(rnd.next() * est[op]);
      const r = await runAndKill(bin, w.repo, args, delay, kind);
      // Kills are aimed over the op's whole duration: one that ran to the end was a miss.
      if (!r.landed) est[op] = Math.max(200, Math.round(0.7 * est[op] + 0.3 * r.ms * 1.2));
      const problems = [];
      // What a user does after a killed command: run it again (a killed pull leaves data to
      // fetch, a killed add data to record, a killed push data to send), then repro.
      const again = r.landed && RERUN.has(op) ? await runPipe(bin, w.repo, args) : { code: 0, stderr: '' };
      if (again.code !== 0) problems.push(`pipe ${args.join(' ')} again exited ${again.code ?? again.signal}: ${again.stderr.trim().split('\n').slice(-4).join(' | ')}`);
      const rec = await runPipe(bin, w.repo, ['repro']);
      if (rec.code !== 0) problems.push(`recovery repro exited ${rec.code ?? rec.signal}: ${rec.stderr.trim().split('\n').slice(-4).join(' | ')}`);
      const st = await runPipe(bin, w.repo, ['status']);
      if (st.code !== 0 || !/Everything is up to date/.test(st.stdout)) problems.push(`status after recovery: ${st.stdout.trim().split('\n').join(' | ')} ${st.stderr.trim()}`);
      problems.push(...checkIntegrity(w));
      inFlight--;
      const rec2 = { trial, worker: id, op, kind, delay, landed: r.landed, recovery: `${again.stderr.trim()} ${rec.stderr.trim()}`.trim(), problems };
      tally.trials++;
      if (r.landed) {
        tally.landed++;
        const k = (tally.byOp[op] ??= { landed: 0, corrupt: 0 });
        k.landed++;
        const kk = (tally.byKind[kind] ??= { landed: 0, corrupt: 0 });
        kk.landed++;
        if (problems.length) {
          k.corrupt++;
          kk.corrupt++;
        }
      } else tally.missed++;
      if (problems.length) {
        tally.corrupt++;
        const keep = join(base, 'failures', `trial-${trial}-${op}-${kind}`);
        cpSync(w.dir, keep, { recursive: true, verbatimSymlinks: true });
        tally.failures.push({ ...rec2, kept: keep });
        w = await makeFaultRepo(dir, bin);
      }
      onTrial(rec2, tally);
    }
  };
  await Promise.all(Array.from({ length: parallel }, (_, i) => worker(i)));
  return tally;
}
