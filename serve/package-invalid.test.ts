import { describe, expect, it } from 'vitest';
import { ModelPackageError } from './model/index.js';
import { packageInvalid } from './package-invalid.js';
import type { ServedModel } from './resolve-model.js';

const broken = () => new ModelPackageError({ dir: '/tmp/pipe-serve-x1/churn', file: 'weights.bin', problem: 'it holds 9000 bytes; model.json needs 18432' });

describe('packageInvalid', () => {
  it('names a version written to a temporary directory by the version, without advice to train or check out', () => {
    const served: ServedModel = { dir: '/tmp/pipe-serve-x1/churn', fetched: true, name: 'churn', version: 'v1.4.0', commit: 'abcdef1234', source: 'registry', path: 'models/churn' as NonNullable<ServedModel['path']> };
    const error = packageInvalid(broken(), served) as Error & { code: string };
    expect([error.code, error.message]).toEqual([
      'SERVE_MODEL_INVALID',
      'churn@v1.4.0: its weights.bin (as recorded in the cache): it holds 9000 bytes; model.json needs 18432. That version cannot be served; serve or assign another (pipe model show lists them)',
    ]);
    expect((packageInvalid(broken(), { ...served, version: undefined }) as Error).message).toMatch(/^models\/churn at abcdef1: its weights\.bin/);
  });

  it('keeps the file path and the advice for a package that is there to mend (a directory, the workspace)', () => {
    const error = packageInvalid(broken(), { dir: '/tmp/pipe-serve-x1/churn', name: 'churn', source: 'directory' }) as Error;
    expect(error.message).toBe('/tmp/pipe-serve-x1/churn/weights.bin: it holds 9000 bytes; model.json needs 18432. Train the model again, or restore the package (pipe checkout).');
    const other = new Error('boom');
    expect(packageInvalid(other)).toBe(other);
  });
});
