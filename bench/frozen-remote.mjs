#!/usr/bin/env node
// How long push and fetch take to give up on an S3 server that stops answering (issue 13 item 12).
// s3rver runs on 127.0.0.1 in its own process; a repository of 600 small files is pushed (and
// then fetched) with -j 4, the server is frozen with SIGSTOP once 50 objects have moved, and the
// time from SIGSTOP to pipe's exit is measured, for each `timeout`/`retries` pair given.
//
//   node bench/frozen-remote.mjs [--settings 1:1,5:2,30:2]   (timeout seconds : retries)
//
// Markdown on stdout, progress on stderr. Run `npm run build` first (it runs dist/).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { log, repo, sh, startS3rver } from './lib/harness.mjs';

const { values } = parseArgs({ options: { settings: { type: 'string', default: '1:1,5:2,30:2' } } });
const settings = values.settings.split(',').map((s) => s.split(':').map(Number));
const base = mkdtempSync(join(tmpdir(), 'pipe-bench-frozen-'));
const bin = join(repo, 'bin', 'pipe.js');
const keyId = 'bench-key';
const secret = `bench-${randomBytes(8).toString('hex')}`;
const env = { ...process.env, AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret, AWS_REGION: 'us-east-1', NO_COLOR: '1' };

const { server, port } = await startS3rver(join(base, 's3rver'), keyId, secret);
const endpoint = `http://127.0.0.1:${port}`;
const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: keyId, secretAccessKey: secret } });

const run = (cwd, args) => sh(`node ${bin} ${args}`, cwd);
const count = (dir) => {
  try {
    return readdirSync(dir, { recursive: true }).filter((n) => String(n).endsWith('._S3rver_object') || /\/[0-9a-f]{62}$/.test(String(n))).length;
  } catch {
    return 0;
  }
};

/** Starts `pipe args`, freezes the server once `moved()` reaches 50, and returns the ms from SIGSTOP to exit, with stderr. */
async function frozenAfter(cwd, args, moved) {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));
  while (moved() < 50 && child.exitCode === null) await sleep(10);
  server.kill('SIGSTOP');
  const t0 = performance.now();
  const code = await exited;
  const ms = performance.now() - t0;
  server.kill('SIGCONT');
  return { ms, code, stderr: stderr.trim() };
}

const rows = [];
try {
  for (const [i, [timeout, retries]] of settings.entries()) {
    const bucket = `frozen-${i}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const dir = join(base, `repo-${i}`);
    mkdirSync(join(dir, 'data'), { recursive: true });
    sh('git init -q .', dir);
    writeFileSync(join(dir, 'pipeline.yaml'), 'stages: {}\n');
    for (let f = 0; f < 600; f++) writeFileSync(join(dir, 'data', `f${f}.bin`), randomBytes(64 + ((f * 7919) % 4096)));
    run(dir, 'add data');
    run(dir, `remote add s3 s3://${bucket}/p --endpoint ${endpoint} --default`);
    run(dir, `remote modify s3 timeout ${timeout}`);
    run(dir, `remote modify s3 retries ${retries}`);
    log(`timeout ${timeout} s, retries ${retries}: push …`);
    const push = await frozenAfter(dir, ['push', '-j', '4'], () => count(join(base, 's3rver', bucket)));
    run(dir, 'push');
    const fresh = join(base, `fresh-${i}`);
    sh(`cp -r ${dir} ${fresh} && rm -rf ${fresh}/.pipe/cache ${fresh}/data`, base);
    log(`timeout ${timeout} s, retries ${retries}: fetch …`);
    const fetch = await frozenAfter(fresh, ['fetch', '-j', '4'], () => count(join(fresh, '.pipe', 'cache', 'files')));
    rows.push({ timeout, retries, push, fetch });
  }
} finally {
  server.kill('SIGKILL');
  client.destroy();
}

const line = (r) => `${(r.ms / 1000).toFixed(1)} s (exit ${r.code})`;
console.log('| timeout | retries | bound (retries + 1) × timeout | push: SIGSTOP → exit | fetch: SIGSTOP → exit |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.timeout} s | ${r.retries} | ${(r.retries + 1) * r.timeout} s | ${line(r.push)} | ${line(r.fetch)} |`);
console.log('');
for (const r of rows) console.log(`- timeout ${r.timeout}, retries ${r.retries}: push said \`${r.push.stderr}\`; fetch said \`${r.fetch.stderr}\``);
console.log('');
console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end.`);
rmSync(base, { recursive: true, force: true });
