#!/usr/bin/env node
// Remote benchmarks (issue: remotes, push/pull). On the shared workload's data/raw
// (make-workload.py, default preset: 10,000 files / 1 GiB) tracked with `pipe add`, hyperfine
// times, in one run, against s3rver on loopback (S3 protocol) and a directory remote:
//   - pipe push of everything vs rclone sync of the same tree (rclone's default --transfers 4,
//     and --transfers 16 = pipe's S3 default)
//   - pipe pull into an empty cache + workspace vs rclone sync back into an empty directory
//   - no-op pipe push and no-op pipe pull
// and reports s3rver's own CPU use during each S3 measurement (a single Node process: when it
// is near 1 CPU-second per second, the server is the bottleneck, not the client).
//
//   node bench/remote.mjs [--preset small|default] [--dir DIR] [--runs N]
//
// Needs python3, hyperfine, rclone (Debian package). Markdown on stdout, progress on stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { hyperfine as hf, log, ms, pipe, requireTools, sh, startS3rver, workload } from './lib/harness.mjs';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'default' },
    dir: { type: 'string' },
    runs: { type: 'string', default: '3' },
  },
});
const runs = Number(values.runs);
const base = values.dir ?? mkdtempSync(join(tmpdir(), 'pipe-bench-remote-'));
requireTools(['python3', 'hyperfine', 'rclone']);

// --- s3rver on 127.0.0.1, in its own process --------------------------------------------------
const s3dir = join(base, 's3rver');
rmSync(s3dir, { recursive: true, force: true });
mkdirSync(s3dir, { recursive: true });
const keyId = 'bench-key';
const secret = 'bench-secret-not-a-real-one';
const { server, port } = await startS3rver(s3dir, keyId, secret);
process.on('exit', () => server.kill('SIGKILL'));
const endpoint = `http://127.0.0.1:${port}`;
const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: keyId, secretAccessKey: secret } });
await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
s3.destroy();
/** s3rver's CPU seconds so far (user + system), from /proc. */
const serverCpu = () => {
  const f = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: keyId,
  AWS_SECRET_ACCESS_KEY: secret,
  AWS_REGION: 'us-east-1',
  RCLONE_CONFIG_BENCH_TYPE: 's3',
  RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
  RCLONE_CONFIG_BENCH_ENDPOINT: endpoint,
  RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: keyId,
  RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: secret,
  RCLONE_CONFIG_BENCH_REGION: 'us-east-1',
  RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
};
// rclone 1.60's S3 backend fails to start when AWS_CA_BUNDLE is set ("unsupported transport");
// the server is plain HTTP on loopback, so no CA bundle is needed by anyone.
delete env.AWS_CA_BUNDLE;
/** Medians in ms, plus s3rver CPU seconds per wall second over the whole measurement. */
const measure = (cwd, commands, o = {}) => {
  const cpu0 = serverCpu();
  const t0 = Date.now();
  const r = hf(base, cwd, commands, { runs, warmup: 0, env, ...o });
  const load = (serverCpu() - cpu0) / ((Date.now() - t0) / 1000);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { ms: v.median, load }]));
};

// --- the workload, tracked with pipe add --------------------------------------------------------
const dir = workload(base, values.preset);
const meta = JSON.parse(readFileSync(join(dir, 'workload.json'), 'utf8'));
writeFileSync(join(dir, 'pipeline.yaml'), 'stages: {}\n');
for (const p of ['.pipe', 'data.lock', 'out']) rmSync(join(dir, p), { recursive: true, force: true });
log('pipe add data/raw …');
sh('cat data/raw/* > /dev/null', dir);
sh(`${pipe} add data/raw > /dev/null`, dir);
const dirRemote = join(base, 'dir-remote');
mkdirSync(dirRemote, { recursive: true });
sh(`${pipe} remote add s3 s3://bench/pipe --endpoint ${endpoint} --force-path-style --default > /dev/null`, dir);
sh(`${pipe} remote add dir ${dirRemote} > /dev/null`, dir);

// A second workspace that pulls: the same data.lock and config, no cache, no data.
const puller = join(base, 'puller');
rmSync(puller, { recursive: true, force: true });
mkdirSync(join(puller, '.pipe'), { recursive: true });
for (const f of ['pipeline.yaml', 'data.lock', '.pipe/config.yaml']) cpSync(join(dir, f), join(puller, f));
// Targets are moved aside between runs, never deleted: ext4 skips inodes freed in the last
// minutes when it allocates new ones, so recreating 10,000 files right after deleting 10,000
// costs whichever tool runs next several seconds of kernel time (measured: 10 s of sys instead
// of 2 for the same push), which is about the filesystem, not the tool. Deleted at the end.
const trash = join(base, 'trash');
mkdirSync(trash, { recursive: true });
// …and dirty pages are flushed before each timed run, so that no run pays for writing back an
// earlier one's output.
// …and every run starts from the same memory state: the page cache is dropped (as root; the
// moved-aside copies otherwise fill it, and reclaiming it mid-run cost whichever tool ran next up
// to 4× its kernel time) and the run's source is read back in, so both tools read it from memory.
const settle = (...warm) =>
  `sync; (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || true; ${warm.map((p) => `find ${p} -type f -exec cat {} + > /dev/null`).join('; ')}`;
const aside = (...paths) => `${paths.map((p) => `if [ -e ${p} ]; then mv ${p} "$(mktemp -d -p ${trash})/"; fi`).join('; ')}; sync`;
const pushPrep = (...paths) => `${aside(...paths)}; ${settle('data/raw')}`;
const emptyPuller = (source) => `${aside('.pipe/cache', '.pipe/tmp', 'data')}; ${settle(source)}`;

const r = {};
const s3Prefix = join(s3dir, 'bench');
log('S3: push …');
r.s3push = measure(dir, { 'pipe push (s3)': `${pipe} push -r s3` }, { prepare: pushPrep(`${s3Prefix}/pipe`) });
r.s3rc4 = measure(dir, { 'rclone sync (s3, --transfers 4)': 'rclone sync data/raw bench:bench/rclone' }, { prepare: pushPrep(`${s3Prefix}/rclone`) });
r.s3rc16 = measure(dir, { 'rclone sync (s3, --transfers 16)': 'rclone sync --transfers 16 --checkers 16 data/raw bench:bench/rclone' }, { prepare: pushPrep(`${s3Prefix}/rclone`) });
sh(`${pipe} push -r s3 > /dev/null`, dir);
log('S3: no-op push …');
r.s3noop = measure(dir, { 'pipe push (s3, nothing to send)': `${pipe} push -r s3` }, { runs: Math.max(runs, 5), warmup: 1 });
log('S3: pull …');
r.s3pull = measure(puller, { 'pipe pull (s3)': `${pipe} pull -r s3` }, { prepare: emptyPuller(`${s3Prefix}/pipe`) });
r.s3rcpull4 = measure(base, { 'rclone sync back (s3, --transfers 4)': 'rclone sync bench:bench/rclone pulled-rclone' }, { prepare: `${aside('pulled-rclone')}; ${settle(`${s3Prefix}/rclone`)}` });
r.s3rcpull16 = measure(base, { 'rclone sync back (s3, --transfers 16)': 'rclone sync --transfers 16 --checkers 16 bench:bench/rclone pulled-rclone' }, { prepare: `${aside('pulled-rclone')}; ${settle(`${s3Prefix}/rclone`)}` });
sh(`${pipe} pull -r s3 > /dev/null`, puller);
r.s3noopPull = measure(puller, { 'pipe pull (s3, nothing to fetch)': `${pipe} pull -r s3` }, { runs: Math.max(runs, 5), warmup: 1 });

log('directory: push …');
r.dpush = measure(dir, { 'pipe push (dir)': `${pipe} push -r dir` }, { prepare: pushPrep(`${dirRemote}/files`, `${dirRemote}/runs`) });
r.drc = measure(dir, { 'rclone sync (dir)': `rclone sync data/raw ${base}/rclone-dir` }, { prepare: pushPrep(`${base}/rclone-dir`) });
sh(`${pipe} push -r dir > /dev/null`, dir);
r.dnoop = measure(dir, { 'pipe push (dir, nothing to send)': `${pipe} push -r dir` }, { runs: Math.max(runs, 5), warmup: 1 });
log('directory: pull …');
r.dpull = measure(puller, { 'pipe pull (dir)': `${pipe} pull -r dir` }, { prepare: emptyPuller(dirRemote) });
r.drcpull = measure(base, { 'rclone sync back (dir)': `rclone sync ${base}/rclone-dir pulled-dir` }, { prepare: `${aside('pulled-dir')}; ${settle(`${base}/rclone-dir`)}` });
sh(`${pipe} pull -r dir > /dev/null`, puller);
r.dnoopPull = measure(puller, { 'pipe pull (dir, nothing to fetch)': `${pipe} pull -r dir` }, { runs: Math.max(runs, 5), warmup: 1 });
server.kill('SIGKILL');
log('removing the moved-aside copies …');
rmSync(trash, { recursive: true, force: true });

const one = (x) => Object.values(x)[0];
const mibs = (t) => `${(meta.bytes / 2 ** 20 / (t / 1000)).toFixed(0)} MiB/s`;
const row = (what, p, peers) => {
  const cells = peers.map(([name, q]) => `${name} ${ms(q.ms)} (${mibs(q.ms)}${q.load > 0.05 ? `, s3rver ${q.load.toFixed(2)} CPU-s/s` : ''}): **${(q.ms / p.ms).toFixed(2)}×**`);
  const load = p.load > 0.05 ? ` s3rver ${p.load.toFixed(2)} CPU-s/s` : '';
  return `| ${what} | ${ms(p.ms)} (${mibs(p.ms)})${load} | ${cells.join('; ')} |`;
};
const lines = [];
lines.push(`Machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${sh('rclone version | head -1', base).trim()}; s3rver 3.7.1 on 127.0.0.1.`);
lines.push(`Command: \`node bench/remote.mjs --preset ${values.preset}\`; workload ${meta.files.toLocaleString('en')} files / ${(meta.bytes / 2 ** 20).toFixed(0)} MiB; hyperfine medians of ${runs} runs (no-ops: ${Math.max(runs, 5)}).`);
lines.push('Ratio = peer time / pipe time (≥ 1.0: pipe moves the tree at least as fast). pipe pull includes verifying every object and linking the workspace.');
lines.push('');
lines.push('| measure | pipe | peer(s) |');
lines.push('| --- | --- | --- |');
lines.push(row('S3 push (everything)', one(r.s3push), [['rclone --transfers 4', one(r.s3rc4)], ['rclone --transfers 16', one(r.s3rc16)]]));
lines.push(row('S3 pull (empty cache)', one(r.s3pull), [['rclone --transfers 4', one(r.s3rcpull4)], ['rclone --transfers 16', one(r.s3rcpull16)]]));
lines.push(`| S3 no-op push | ${ms(one(r.s3noop).ms)} | |`);
lines.push(`| S3 no-op pull | ${ms(one(r.s3noopPull).ms)} | |`);
lines.push(row('directory push', one(r.dpush), [['rclone', one(r.drc)]]));
lines.push(row('directory pull', one(r.dpull), [['rclone', one(r.drcpull)]]));
lines.push(`| directory no-op push | ${ms(one(r.dnoop).ms)} | |`);
lines.push(`| directory no-op pull | ${ms(one(r.dnoopPull).ms)} | |`);
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0);
