/** @module A real S3-protocol server (s3rver) on 127.0.0.1 and a random free port, in a child process the test can kill and restart. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

const CHILD = fileURLToPath(new URL('./s3-server-child.mjs', import.meta.url));
const SUFFIX = '._S3rver_object';

export interface S3Server {
  readonly endpoint: string;
  readonly port: number;
  /** Where s3rver keeps buckets and objects. */
  readonly dir: string;
  readonly accessKeyId: string;
  /** A fresh random secret: tests assert it never appears in pipe's output. */
  readonly secretAccessKey: string;
  /** Environment for pipe: these credentials, no other AWS configuration. */
  readonly env: Record<string, string>;
  createBucket(name: string): Promise<void>;
  /** SIGKILL, as a crash would (writes in progress stay as they are). */
  kill(): void;
  /** SIGSTOP: the server keeps its port and connections but answers nothing, as a hung one does. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Starts the server again on the same port and directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Every object of a bucket, read from s3rver's directory: key → bytes. */
  objects(bucket: string): Map<string, Buffer>;
}

export async function startS3Server(): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-s3rver-'));
  const accessKeyId = 'pipe-test-key';
  const secretAccessKey = `secret-${randomBytes(12).toString('hex')}`;
  let child: ChildProcess | undefined;
  // Every server process ever launched, so stop() ends them all, and a restart() that a timed-out
  // test runs after stop() starts nothing that would outlive the suite.
  const launched = new Set<ChildProcess>();
  let stopped = false;
  const launch = async (port: number): Promise<number> => {
    if (stopped) throw new Error('s3rver was stopped: the test using it has already finished');
    const c = spawn(process.execPath, [CHILD, dir, String(port), accessKeyId, secretAccessKey], { stdio: ['ignore', 'pipe', 'inherit'] });
    child = c;
    launched.add(c);
    c.on('exit', () => launched.delete(c));
    return new Promise<number>((resolve, reject) => {
      let out = '';
      c.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
      });
      c.on('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
    });
  };
  const port = await launch(0);
  const endpoint = `http://127.0.0.1:${port}`;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = () =>
    new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, requestChecksumCalculation: 'WHEN_REQUIRED' });
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_REGION: 'us-east-1',
    // Nothing from the machine's own AWS setup (profiles, IMDS): only what the test gives.
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const dead = (c: ChildProcess | undefined) => !c || c.exitCode !== null || c.signalCode !== null;
  const waitExit = (c: ChildProcess | undefined) => (dead(c) ? Promise.resolve() : new Promise<void>((r) => c?.once('exit', () => r())));
  return {
    endpoint,
    port,
    dir,
    accessKeyId,
    secretAccessKey,
    env,
    async createBucket(name) {
      const c = client();
      try {
        await c.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        c.destroy();
      }
    },
    kill() {
      child?.kill('SIGKILL');
    },
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    async restart() {
      await waitExit(child);
      await launch(port);
    },
    async stop() {
      stopped = true;
      const all = [...launched];
      for (const c of all) c.kill('SIGKILL');
      await Promise.all(all.map(waitExit));
      if (!process.env.PIPE_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
    },
    objects(bucket) {
      const base = join(dir, bucket);
      const out = new Map<string, Buffer>();
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const p = join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.name.endsWith(SUFFIX)) out.set(relative(base, p).slice(0, -SUFFIX.length), readFileSync(p));
        }
      };
      walk(base);
      return out;
    },
  };
}
