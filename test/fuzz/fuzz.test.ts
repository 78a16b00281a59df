/**
 * @module Property-based fuzzing of every file format pipe reads (issue #13): whatever the file
 * holds, pipe accepts it or refuses it with one of its own errors — never a crash, a stack trace,
 * a hang or a printed secret. A fixed seed and a bounded number of runs here; the long run is
 * `node bench/fuzz.mjs` (figures in docs/RELIABILITY.md, "Bad input and fuzzing").
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipe } from '../helpers/pipe.js';
import { removeRepos } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TARGETS, runCase, type Target } from './targets.js';
import { SEED_SECRET } from './seeds.js';

afterAll(removeRepos);

/** Fixed, so a failure here fails the same way on every machine; PIPE_FUZZ_SEED explores others. */
const SEED = Number(process.env.PIPE_FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.PIPE_FUZZ_RUNS ?? 100);
/** Small structural nasties in CI (the long run uses 50,000 keys and 5,000 levels). */
const SCALE = { maxKeys: 3_000, maxDepth: 1_000 };
/** Per-test hang detector on a loaded machine: the in-process runs take a few seconds each. */
const TIMEOUT = { timeout: 180_000 };

/** Formats whose reader is known to crash (none): such a test is marked `it.fails` until fixed. */
const KNOWN_CRASHES = new Set<string>();

function caseDir(t: Target): string {
  const root = tempDir();
  mkdirSync(join(root, '.pipe'), { recursive: true });
  t.setup(root);
  return root;
}

describe('fuzzed files are accepted or refused with a PipeError, in-process', () => {
  for (const t of TARGETS) {
    (KNOWN_CRASHES.has(t.name) ? it.fails : it)(`${t.name} (${t.file}): ${RUNS} files, seed ${SEED}`, TIMEOUT, async () => {
      const root = caseDir(t);
      const seen = { ok: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(t.arbitrary(SCALE), async (text) => {
          const o = await runCase(t, root, text);
          seen[o.kind]++;
          if (o.kind === 'refused') {
            expect([1, 2]).toContain(o.exit);
            expect(o.message.length).toBeGreaterThan(0);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      // The generators reach both sides: a fuzzer whose files all fail to parse tests little.
      if (t.name !== 'run-record' && t.name !== 'manifest') expect(seen.ok).toBeGreaterThan(0);
      expect(seen.ok + seen.refused).toBe(RUNS);
    });
  }
});

describe('fuzzed files through the built CLI: exit 0, 1 or 2, no stack trace, no secret', () => {
  for (const t of TARGETS.filter((x) => x.name !== 'run-record')) {
    (KNOWN_CRASHES.has(t.name) ? it.fails : it)(`${t.name}: pipe ${t.command.join(' ')}`, TIMEOUT, async () => {
      const texts = fc.sample(t.arbitrary(SCALE), { seed: SEED, numRuns: 2 });
      for (const text of texts) {
        const root = caseDir(t);
        if (t.name === 'manifest') await placeManifest(root, text);
        else await runCase(t, root, text).catch(() => undefined);
        const r = await runPipe(root, t.command, { timeoutMs: 120_000 });
        const shown = `pipe ${t.command.join(' ')} on:\n${text.slice(0, 2000)}\n--- stderr:\n${r.stderr}`;
        expect([0, 1, 2], shown).toContain(r.code);
        expect(r.stderr, shown).not.toMatch(/internal error|\n\s+at /);
        expect(r.stdout + r.stderr, shown).not.toContain(SEED_SECRET);
      }
    });
  }
});

/** A repository whose data.lock tracks a directory whose manifest (in the cache) is `text`, with a directory remote to push to. */
async function placeManifest(root: string, text: string): Promise<void> {
  const { writeFileSync } = await import('node:fs');
  const { hashBytes } = await import('../../runner/hash/hash-file.js');
  const hash = `sha256:${hashBytes(text)}.dir`;
  const key = `${hash.slice(7, 9)}/${hash.slice(9)}`;
  mkdirSync(join(root, '.pipe/cache/files/sha256', key, '..'), { recursive: true });
  writeFileSync(join(root, '.pipe/cache/files/sha256', key), text);
  const store = tempDir();
  writeFileSync(join(root, 'pipeline.yaml'), 'stages: {}\n');
  writeFileSync(join(root, 'data.lock'), `schema: 1\nstages: {}\ndata:\n  data: {hash: "${hash}", size: 1, nfiles: 1}\n`);
  writeFileSync(join(root, '.pipe/config.yaml'), `remotes:\n  store: {url: ${JSON.stringify(store)}}\n`);
}
