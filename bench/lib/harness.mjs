// Shared by the bench scripts: paths, the shared workload generator, shell and hyperfine helpers.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const pipe = `node ${join(repo, 'bin', 'pipe.js')}`;
export const generator = resolve(repo, '..', 'shared', 'bench', 'make-workload.py');

export const log = (s) => process.stderr.write(`${s}\n`);
export const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
export const ms = (x) => `${x.toFixed(0)} ms`;

/**
 * `pipe ARGS` (or, with `node`, the shell command ARGS) in `cwd`: wall time, CPU time (user + sys,
 * from GNU time: a figure a loaded machine disturbs less) and stdout; throws when it fails.
 */
export function timed(args, { cwd, env = process.env, node = false }) {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', 'sh', '-c', node ? args : `${pipe} ${args}`], { cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`pipe ${args} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  const [, u, s] = /cpu (\S+) (\S+)\s*$/.exec(r.stderr) ?? [];
  return { ms, cpu: (Number(u) + Number(s)) * 1000, out: r.stdout };
}

export function requireTools(tools) {
  for (const tool of tools) if (!has(tool)) throw new Error(`${tool} is required (install the Debian package ${tool})`);
}

export function sh(cmd, cwd) {
  return execFileSync('sh', ['-c', cmd], { cwd, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 }).toString();
}

/** Generates (once) the shared workload `preset` in `base/<name>`; returns its directory. */
export function workload(base, preset, { name = preset, seed } = {}) {
  const dir = join(base, name);
  if (!existsSync(join(dir, 'workload.json'))) {
    log(`generating the ${preset} workload in ${dir} …`);
    sh(`python3 ${generator} gen ${dir} --preset ${preset}${seed === undefined ? '' : ` --seed ${seed}`} > /dev/null`);
  }
  return dir;
}

/**
 * hyperfine over named commands (no shell: -N); returns {name: {median, mean, min, max}} in ms.
 * `prepare` runs through sh before every timed run.
 */
export function hyperfine(base, cwd, commands, { prepare, warmup = 2, runs = 10, env } = {}) {
  const out = join(base, `hf-${process.pid}-${Date.now()}.json`);
  const args = ['-N', '--style', 'none', '-w', String(warmup), '-r', String(runs), '--export-json', out];
  if (prepare) args.push('--prepare', `sh -c '${prepare.replaceAll("'", "'\\''")}'`);
  for (const [name, cmd] of Object.entries(commands)) args.push('-n', name, cmd);
  const r = spawnSync('hyperfine', args, { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: env ?? process.env });
  if (r.status !== 0) throw new Error(`hyperfine failed in ${cwd}: ${Object.values(commands).join(' | ')}`);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  return Object.fromEntries(
    json.results.map((x) => [x.command, { median: x.median * 1000, mean: x.mean * 1000, min: x.min * 1000, max: x.max * 1000 }]),
  );
}

/** s3rver on 127.0.0.1 in its own process (test/helpers/s3-server-child.mjs), keeping objects in `dir`; resolves to {server, port} once it listens. */
export async function startS3rver(dir, keyId, secret) {
  const server = spawn(process.execPath, [join(repo, 'test', 'helpers', 's3-server-child.mjs'), dir, '0', keyId, secret], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.setEncoding('utf8').on('data', (c) => {
      out += c;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]).port);
    });
    server.on('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
  });
  return { server, port };
}
