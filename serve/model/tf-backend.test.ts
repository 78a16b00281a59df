import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backendLine, chooseBackend } from './tf-backend.js';

// Not test/helpers' tempDir: serve/model's files, tests too, import nothing outside it (imports.test.ts).
const dir = mkdtempSync(join(tmpdir(), 'pipe-tf-backend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the TF.js backend line', () => {
  it('says which backend runs and why, as information: no load error, no stack', async () => {
    // A native package that is installed but does not load (a dependency of its own is missing).
    const broken = join(dir, 'broken-tfjs-node.mjs');
    writeFileSync(broken, "import 'a-package-that-is-not-installed-anywhere';\n");
    const fallback = await chooseBackend({ nativePackage: broken });
    expect(fallback.backend).toBe('wasm');
    expect(backendLine(fallback)).toBe(`tfjs backend: wasm (@tensorflow/tfjs-node is installed but does not load here; node -e "import('@tensorflow/tfjs-node')" shows why)`);

    const absent = await chooseBackend({ nativePackage: 'a-package-that-is-not-installed-anywhere' });
    expect(backendLine(absent)).toBe('tfjs backend: wasm (@tensorflow/tfjs-node not installed)');
  }, 120_000);
});
