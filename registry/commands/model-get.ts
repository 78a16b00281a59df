/** @module `pipe model get`: writes a registered model's files to a directory, from the cache or, for what it lacks, the remote. */
import { relative } from 'node:path';
import { defineCommand, findRoot } from '../../runner/command/index.js';

export const get = defineCommand({
  name: 'get',
  summary: 'write a model version’s files (NAME, NAME@vX.Y.Z, NAME#STAGE) to a directory, fetching only its objects',
  description: `
Resolves the reference through the registry's tags to a commit (NAME alone is its latest
version, as in gto show and dvc artifacts get; NAME#prod the version holding 'prod'), reads the
artifact's path from that commit's pipeline.yaml ('artifacts:') and its hash from that commit's
data.lock, and writes its files, as plain copies, to -o DIR (default: the last part of the
artifact's path, in the current directory: ./churn for models/churn).

Objects come from the cache; those it lacks are fetched from the default remote (or -r NAME),
only those, and each is verified against its hash: an object the remote sends wrong is refused
and nothing is written (exit 1). Works in a fresh clone whose .pipe/config.yaml names the
remote. The files are assembled beside DIR and renamed into place; an existing DIR that is not
empty is refused unless --force (which replaces it). Exits 2 for a reference that names
nothing, or a version whose data.lock does not hold the artifact.`,
  options: {
    output: { type: 'string', short: 'o', valueName: 'DIR', help: "where to write the model (default: ./BASENAME of the artifact's path)" },
    force: { type: 'boolean', help: 'replace DIR when it exists and is not empty' },
    remote: { type: 'string', short: 'r', valueName: 'NAME', help: 'the remote to fetch missing objects from (default: the default remote)' },
    json: { type: 'boolean', help: 'print JSON: {name, version, stage?, commit, path, hash, output, files, bytes, fetched: {objects, bytes}, fromCache}' },
  },
  positionals: [{ name: 'reference', valueName: 'NAME[@VERSION|#STAGE]', required: true }],
  async run({ options, args, io }) {
    const [{ getModel }, { formatBytes }] = await Promise.all([import('../api/get.js'), import('../../runner/index.js')]);
    const g = await getModel({ root: findRoot(io.cwd), cwd: io.cwd, reference: args.reference, output: options.output, force: options.force, remote: options.remote });
    if (options.json) {
      io.out(`${JSON.stringify(g, null, 2)}\n`);
      return;
    }
    const shown = relative(io.cwd, g.output) || '.';
    const stage = g.stage ? `, in '${g.stage}'` : '';
    const from = g.fromCache ? 'all from the cache' : `fetched ${g.fetched.objects} object${g.fetched.objects === 1 ? '' : 's'} (${formatBytes(g.fetched.bytes)}) from '${g.remote ?? 'the remote'}'`;
    io.out(`${g.name}@${g.version}${stage} (${g.path} at ${g.commit.slice(0, 7)}) → ${shown.startsWith('..') ? g.output : shown}: ${g.files} file${g.files === 1 ? '' : 's'}, ${formatBytes(g.bytes)}; ${from}\n`);
  },
});
