/**
 * @module `pipe init`: makes a directory of a git repository a pipe project — a commented
 * pipeline.yaml, params.yaml, .pipe/ with its config and the managed .gitignore block — and,
 * with `ci: 'github'`, the promotion workflows for the user's own artifact.
 */
import { existsSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { PipeError } from '../../errors.js';
import { toRepoPath } from '../../fs/repo-path.js';
import { writeFileAtomic } from '../../fs/write-file-atomic.js';
import { findGitDir } from '../../git/open-git-repo.js';
import { ensureGitignoreBlock } from '../../gitignore/update-gitignore.js';
import { loadPipeline } from '../../pipeline/load-pipeline.js';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { isArtifactName } from '../../registry/tag-name.js';
import { ensurePipeDir } from '../../repo/pipe-dir.js';
import { githubWorkflows, type GithubCiOptions } from './github-workflows.js';
import { STARTER_CONFIG, STARTER_PARAMS, STARTER_PIPELINE } from './starter-files.js';

export interface InitOptions {
  /** The directory to initialise (the pipe root); it must be inside a git work tree. */
  readonly cwd: string;
  /** Overwrite files that exist. */
  readonly force?: boolean;
  /** Keep files that exist and write only the missing ones. */
  readonly skipExisting?: boolean;
  readonly ci?: string;
  /** The artifact path the workflows bundle, pull and tag (default: from the pipeline). */
  readonly model?: string;
  /** The name in its version tags (default: the path's last part). */
  readonly modelName?: string;
  readonly installCommand?: string;
  readonly testCommand?: string;
}

export interface InitResult {
  readonly root: string;
  /** Paths relative to `root` (workflows: relative to it too, `../.github/…` in a subdirectory). */
  readonly written: readonly string[];
  readonly kept: readonly string[];
  /** What the workflows promote, when init wrote them. */
  readonly model?: { readonly name: string; readonly path: string };
}

const usage = (message: string, flag: string) => new PipeError('USAGE', message, { command: 'init', flag });

/** Tag-safe: what git accepts in `NAME@vX.Y.Z` and what a shell needs no quoting for. */

export async function init(o: InitOptions): Promise<InitResult> {
  const root = resolve(o.cwd);
  const git = findGitDir(root);
  if (!git) {
    throw new PipeError('NO_GIT_REPO', `${root} is not inside a git repository: pipe versions pipelines, params and data.lock with git; run 'git init' first, then 'pipe init'`, { cwd: root });
  }
  if (o.force && o.skipExisting) throw usage('--force and --skip-existing contradict each other: choose one', '--force');
  if (o.ci !== undefined && o.ci !== 'github') throw usage(`--ci '${o.ci}' is not supported: the one CI pipe writes workflows for is 'github'`, '--ci');
  for (const [flag, value] of [['--install-command', o.installCommand], ['--test-command', o.testCommand]] as const) {
    if (value !== undefined && (value.trim() === '' || /[\r\n]/.test(value) || value.includes('${{'))) {
      throw usage(`${flag} must be one non-empty line without '\${{' (it becomes a workflow step's run:), got ${JSON.stringify(value)}`, flag);
    }
  }

  const files = new Map<string, string>([
    ['pipeline.yaml', STARTER_PIPELINE],
    ['params.yaml', STARTER_PARAMS],
    ['.pipe/config.yaml', STARTER_CONFIG],
  ]);
  const exists = (f: string) => existsSync(join(root, f));
  const keeps = (f: string) => Boolean(o.skipExisting) && exists(f);

  let model: InitResult['model'];
  if (o.ci === 'github') {
    model = await chooseModel(o, root, keeps('pipeline.yaml'));
    const prefix = relative(git.dir, root).split(sep).join('/');
    const ci: GithubCiOptions = { model, install: o.installCommand ?? 'npm ci', ...(o.testCommand ? { test: o.testCommand } : {}), prefix };
    const toTop = relative(root, git.dir).split(sep).join('/');
    for (const [name, text] of Object.entries(githubWorkflows(ci))) files.set(`${toTop ? `${toTop}/` : ''}.github/workflows/${name}`, text);
  }

  const existing = [...files.keys()].filter(exists);
  if (existing.length && !o.force && !o.skipExisting) {
    throw new PipeError(
      'INIT_FILES_EXIST',
      `pipe init would overwrite ${existing.join(', ')} in ${root}; nothing was written. Pass --force to overwrite ${existing.length === 1 ? 'it' : 'them'}, or --skip-existing to keep ${existing.length === 1 ? 'it' : 'them'} and write the rest`,
      { files: existing },
    );
  }

  const written: string[] = [];
  const kept: string[] = [];
  ensurePipeDir(root);
  for (const [file, text] of files) {
    if (keeps(file)) {
      kept.push(file);
      continue;
    }
    writeFileAtomic(join(root, file), text);
    written.push(file);
  }
  if (ensureGitignoreBlock({ root })) written.push('.gitignore');
  const wroteWorkflows = written.some((f) => f.includes('.github/workflows/'));
  return { root, written, kept, ...(model && wroteWorkflows ? { model } : {}) };
}

/** The artifact the workflows promote: --model, else the one cached out under models/ of a pipeline that init keeps. */
async function chooseModel(o: InitOptions, root: string, pipelineKept: boolean): Promise<{ name: string; path: string }> {
  let path: string;
  if (o.model !== undefined) {
    const r = toRepoPath(o.model);
    if (!r.ok || r.path === '.') throw usage(`--model '${o.model}' must be a path inside the repository, like models/classifier${r.ok ? '' : `: the path ${r.reason}`}`, '--model');
    path = r.path;
  } else {
    const pipeline: Pipeline | undefined = pipelineKept ? await loadPipeline({ root }) : undefined;
    const outs = (pipeline?.stages ?? []).flatMap((s) => s.outs.filter((out) => out.kind === 'out' && out.cache).map((out) => out.path));
    const models = outs.filter((p) => p === 'models' || p.startsWith('models/'));
    if (models.length !== 1) {
      const why = !pipeline
        ? 'the starter pipeline.yaml declares no stage yet'
        : models.length === 0
          ? `pipeline.yaml has no cached out under models/${outs.length ? ` (its cached outs: ${outs.join(', ')})` : ''}`
          : `pipeline.yaml has several cached outs under models/ (${models.join(', ')})`;
      throw usage(`--ci github needs the artifact to promote and ${why}: pass --model PATH (the out the workflows bundle and tag, e.g. models/classifier)`, '--model');
    }
    path = models[0] as string;
  }
  const name = o.modelName ?? basename(path);
  if (!isArtifactName(name)) {
    throw usage(`the model name '${name}' cannot name an artifact of the model registry (name@vX.Y.Z, name#prod#N): pass --model-name with lowercase letters, digits, '-' and '/', starting and ending with a letter or digit (GTO's names)`, '--model-name');
  }
  return { name, path };
}
