/** @module The real code paths each fuzzed format goes through, called in-process: status (pipeline, DAG, params, data.lock), config loading and editing, manifest and run-record reading. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type fc from 'fast-check';
import { listRemotes } from '../../runner/api/remote/remote-config.js';
import { status } from '../../runner/api/status.js';
import { ObjectStore } from '../../runner/cache/object-store.js';
import { readConfigValue } from '../../runner/config/edit-config.js';
import { loadConfig } from '../../runner/config/load-config.js';
import { flattenValue } from '../../runner/diff/flatten-value.js';
import { EXIT_CODES, isPipeError } from '../../runner/errors.js';
import { canonicalJson } from '../../runner/hash/canonical-json.js';
import { hashBytes } from '../../runner/hash/hash-file.js';
import { parseLock } from '../../runner/lockfile/read-lock.js';
import { parseRemoteUrl } from '../../runner/remote/open-remote.js';
import { RunCache } from '../../runner/run-cache/run-cache.js';
import { parseStructured } from '../../runner/yaml/parse-structured.js';
import { runnerErrorKinds } from '../../runner/errors.js';
import { fuzzedFile } from './mutate.js';
import { CONFIG_SEEDS, LOCAL_CONFIG_SEEDS, LOCK_SEEDS, MANIFEST_SEEDS, PARAMS_SEEDS, PIPELINE_SEEDS, RUN_RECORD_SEEDS, SEED_SECRET } from './seeds.js';

export type FormatName = 'pipeline' | 'params' | 'lock' | 'config' | 'local-config' | 'manifest' | 'run-record';

/** What pipe made of a file: it was accepted, or refused with one of its own errors (and the exit code that error gives). */
export type Outcome = { readonly kind: 'ok' } | { readonly kind: 'refused'; readonly code: string; readonly exit: number; readonly message: string };

export interface Target {
  readonly name: FormatName;
  /** The file the fuzzed text is written to, relative to the repository. */
  readonly file: string;
  /** The pipe command (args) a person would meet it through, for the few CLI runs. */
  readonly command: readonly string[];
  readonly arbitrary: (scale: Scale) => fc.Arbitrary<string>;
  /** Writes the fixed files around the fuzzed one. */
  setup(root: string): void;
  /** Runs the real code on `text`; throws only what pipe itself would not catch (a crash). */
  run(root: string, text: string): Promise<void>;
}

/** How large the structural nasties may get (CI keeps them small; the long run goes further). */
export interface Scale {
  readonly maxKeys: number;
  readonly maxDepth: number;
}

const write = (root: string, rel: string, text: string) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
};

/** Nothing remembered between cases: every case parses its file again. */
const forget = (root: string) => rmSync(join(root, '.pipe', 'tmp'), { recursive: true, force: true });

const withParams = (root: string) => {
  write(root, 'params.yaml', PARAMS_SEEDS[0] as string);
  write(root, 'other.yaml', 'epochs: 3\n');
};

export const TARGETS: readonly Target[] = [
  {
    name: 'pipeline',
    file: 'pipeline.yaml',
    command: ['status'],
    arbitrary: (s) => fuzzedFile(PIPELINE_SEEDS, s),
    setup: withParams,
    async run(root) {
      forget(root);
      await status({ root });
    },
  },
  {
    name: 'params',
    file: 'params.yaml',
    command: ['status'],
    arbitrary: (s) => fuzzedFile(PARAMS_SEEDS, s),
    setup(root) {
      write(root, 'pipeline.yaml', PIPELINE_SEEDS[0] as string);
      write(root, 'other.yaml', 'epochs: 3\n');
      write(root, 'data.lock', LOCK_SEEDS[0] as string);
    },
    async run(root, text) {
      forget(root);
      await status({ root });
      // What params diff and the fingerprints do with a params file's value.
      const parsed = await parseStructured('params.yaml', text);
      if (parsed.state === 'found') canonicalJson([...flattenValue(parsed.value)]);
    },
  },
  {
    name: 'lock',
    file: 'data.lock',
    command: ['status'],
    arbitrary: (s) => fuzzedFile(LOCK_SEEDS, s),
    setup(root) {
      write(root, 'pipeline.yaml', PIPELINE_SEEDS[0] as string);
      withParams(root);
    },
    async run(root, text) {
      forget(root);
      await status({ root });
      await parseLock(text);
    },
  },
  ...(['config', 'local-config'] as const).map(
    (name): Target => ({
      name,
      file: name === 'config' ? '.pipe/config.yaml' : '.pipe/config.local.yaml',
      command: ['remote', 'list'],
      arbitrary: (s) => fuzzedFile(name === 'config' ? CONFIG_SEEDS : LOCAL_CONFIG_SEEDS, s),
      setup(root) {
        write(root, 'pipeline.yaml', 'stages: {}\n');
        write(root, name === 'config' ? '.pipe/config.local.yaml' : '.pipe/config.yaml', (name === 'config' ? LOCAL_CONFIG_SEEDS[0] : CONFIG_SEEDS[0]) as string);
      },
      async run(root) {
        const config = await loadConfig({ root, env: {} });
        for (const r of config.remotes.values()) parseRemoteUrl(r.url, root);
        await listRemotes({ root, env: {} });
        // What `pipe remote modify` reads before it edits.
        await readConfigValue(join(root, '.pipe/config.yaml'), '.pipe/config.yaml');
        await readConfigValue(join(root, '.pipe/config.local.yaml'), '.pipe/config.local.yaml');
      },
    }),
  ),
  {
    name: 'manifest',
    file: '.pipe/cache/manifest',
    command: ['push'],
    arbitrary: (s) => fuzzedFile(MANIFEST_SEEDS, s),
    setup() {},
    async run(root, text) {
      // Stored under its own hash, as a manifest that arrived from a remote would be.
      const store = new ObjectStore(join(root, '.pipe', 'cache'));
      const hash = `sha256:${hashBytes(text)}.dir`;
      store.putBytes(hash, text);
      store.readManifest(hash);
    },
  },
  {
    name: 'run-record',
    file: '.pipe/cache/runs',
    command: ['status'],
    arbitrary: (s) => fuzzedFile(RUN_RECORD_SEEDS, s),
    setup() {},
    async run(root, text) {
      const fp = hashBytes(text);
      write(root, `.pipe/cache/runs/${fp.slice(0, 2)}/${fp.slice(2)}`, text);
      new RunCache(join(root, '.pipe', 'cache')).get(fp);
    },
  },
];

/**
 * Runs one case and says what pipe made of it. A thrown error that is not a PipeError — or an
 * INTERNAL one, or one that prints the secret of config.local.yaml — is a crash: it is rethrown
 * with the file that caused it attached.
 */
export async function runCase(target: Target, root: string, text: string): Promise<Outcome> {
  write(root, target.file === '.pipe/cache/manifest' || target.file === '.pipe/cache/runs' ? '.pipe/fuzz-input' : target.file, text);
  try {
    await target.run(root, text);
    return { kind: 'ok' };
  } catch (err) {
    if (!isPipeError(err) || err.code === 'INTERNAL') throw err;
    if (err.message.includes(SEED_SECRET)) throw new Error(`the message prints the secret of config.local.yaml: ${err.message}`, { cause: err });
    const kind = (runnerErrorKinds as Record<string, keyof typeof EXIT_CODES>)[err.code] ?? 'failed';
    return { kind: 'refused', code: err.code, exit: EXIT_CODES[kind], message: err.message };
  }
}
