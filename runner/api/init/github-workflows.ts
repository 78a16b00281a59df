/**
 * @module The workflows `pipe init --ci github` writes for a user's own repository: the promotion
 * (feature → dev, dev → test, test → main), the registry's model-stage.yml they call on a merge,
 * rollback.yml run by hand, and retrain.yml (fresh data → a pull request into dev). Their artifact's name and path, their install and test commands, and
 * `npx pipe …` from their devDependency (never this repository's bin/ or dist/). One module per
 * workflow, the shared pieces in workflow-parts.ts; docs/ci.md explains what each one does.
 */
import { devToTest } from './dev-to-test.js';
import { featureToDev } from './feature-to-dev.js';
import { modelStage } from './model-stage.js';
import { retrain } from './retrain.js';
import { rollback } from './rollback.js';
import { testToMain } from './test-to-main.js';
import type { GithubCiOptions } from './workflow-parts.js';

export type { GithubCiOptions } from './workflow-parts.js';

export const WORKFLOW_FILES = ['feature-to-dev.yml', 'dev-to-test.yml', 'test-to-main.yml', 'model-stage.yml', 'rollback.yml', 'retrain.yml'] as const;

/** File name → content, for `.github/workflows/` at the git work tree's top. */
export function githubWorkflows(o: GithubCiOptions): Record<(typeof WORKFLOW_FILES)[number], string> {
  return {
    'feature-to-dev.yml': featureToDev(o),
    'dev-to-test.yml': devToTest(o),
    'test-to-main.yml': testToMain(o),
    'model-stage.yml': modelStage(o),
    'rollback.yml': rollback(o),
    'retrain.yml': retrain(o, 'dev'),
  };
}
