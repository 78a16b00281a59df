/** @module `pipe remote add|list|modify|remove|default`: where push and pull send and get data. */
import { defineCommand, defineGroup } from '../command/command.js';
import { findRoot } from '../repo/find-root.js';

const localOption = { type: 'boolean', help: 'write .pipe/config.local.yaml (git-ignored) instead of .pipe/config.yaml' } as const;
const api = () => import('../api/remote/remote-config.js');

const add = defineCommand({
  name: 'add',
  summary: 'add a remote',
  options: {
    default: { type: 'boolean', help: 'make the new remote the default' },
    endpoint: { type: 'string', valueName: 'URL', help: 'S3 endpoint, e.g. http://127.0.0.1:9000 (MinIO)' },
    region: { type: 'string', valueName: 'REGION', help: 'S3 region (default: AWS_REGION, else us-east-1)' },
    'force-path-style': { type: 'boolean', help: 'address buckets by path (http://host/bucket/key)' },
    create: { type: 'boolean', help: 'create the directory of a directory remote when it does not exist' },
    local: localOption,
  },
  positionals: [
    { name: 'name', valueName: 'NAME', required: true },
    { name: 'url', valueName: 'URL', required: true },
  ],
  async run({ options, args, io }) {
    const { addRemote } = await api();
    const r = await addRemote({
      root: findRoot(io.cwd),
      name: args.name,
      url: args.url,
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options['force-path-style'],
      makeDefault: options.default,
      local: options.local,
      create: options.create,
    });
    io.out(`added remote '${args.name}' (${args.url}) to ${r.file}${options.default ? '; it is the default remote' : ''}\n`);
    if (r.directory?.state === 'created') io.out(`created directory ${r.directory.path}\n`);
    if (r.directory?.state === 'missing') {
      io.err(`warning: directory ${r.directory.path} does not exist, so 'pipe push' to '${args.name}' fails until it does: create it (mkdir -p ${r.directory.path}), mount the share it should be on, or add the remote with --create\n`);
    }
  },
});

const list = defineCommand({
  name: 'list',
  summary: 'the remotes, the default marked with *',
  options: { json: { type: 'boolean', help: 'print JSON: {remotes: [{name, url, isDefault, …}]}' } },
  async run({ options, io }) {
    const { listRemotes } = await api();
    const remotes = await listRemotes({ root: findRoot(io.cwd) });
    if (options.json) {
      io.out(`${JSON.stringify({ remotes }, null, 2)}\n`);
      return;
    }
    if (remotes.length === 0) {
      io.out('No remotes. Add one with: pipe remote add NAME URL --default\n');
      return;
    }
    const w = Math.max(...remotes.map((r) => r.name.length));
    for (const r of remotes) {
      const opts = [
        r.endpoint ? `endpoint=${r.endpoint}` : '',
        r.region ? `region=${r.region}` : '',
        r.forcePathStyle !== undefined ? `force_path_style=${r.forcePathStyle}` : '',
        r.jobs ? `jobs=${r.jobs}` : '',
        r.timeout !== undefined ? `timeout=${r.timeout}` : '',
        r.connectTimeout !== undefined ? `connect_timeout=${r.connectTimeout}` : '',
        r.retries !== undefined ? `retries=${r.retries}` : '',
        r.credentials ? `credentials: ${r.credentials}` : '',
      ].filter(Boolean);
      io.out(`${r.isDefault ? '*' : ' '} ${r.name.padEnd(w)}  ${r.url}${opts.length ? `  (${opts.join(', ')})` : ''}\n`);
    }
  },
});

const modify = defineCommand({
  name: 'modify',
  summary: 'set url, endpoint, region, force_path_style, jobs, timeout, connect_timeout, retries, or a credential (access_key_id, secret_access_key, session_token)',
  options: {
    unset: { type: 'boolean', help: 'remove the setting' },
    local: localOption,
  },
  positionals: [
    { name: 'name', valueName: 'NAME', required: true },
    { name: 'key', valueName: 'KEY', required: true },
    { name: 'value', valueName: 'VALUE' },
  ],
  async run({ options, args, io }) {
    const { isCredential, modifyRemote } = await api();
    const { name, key, value } = args;
    const r = await modifyRemote({ root: findRoot(io.cwd), name, key, value, unset: options.unset, local: options.local });
    const shown = isCredential(key) ? '' : ` = ${value}`;
    io.out(options.unset ? `unset ${key} of remote '${name}' (${r.file})\n` : `set ${key}${shown} for remote '${name}' in ${r.file}\n`);
  },
});

const remove = defineCommand({
  name: 'remove',
  summary: 'remove a remote (from both files)',
  positionals: [{ name: 'name', valueName: 'NAME', required: true }],
  async run({ args, io }) {
    const { removeRemote } = await api();
    const r = await removeRemote({ root: findRoot(io.cwd), name: args.name });
    io.out(`removed remote '${args.name}' from ${r.files.join(' and ')}${r.wasDefault ? '; there is no default remote now' : ''}\n`);
  },
});

const setDefault = defineCommand({
  name: 'default',
  summary: 'show or set the default remote; with one remote configured and no default, that one is used',
  options: {
    unset: { type: 'boolean', help: 'clear the default' },
    local: localOption,
  },
  positionals: [{ name: 'name', valueName: 'NAME' }],
  async run({ options, args, io }) {
    const { defaultRemote, listRemotes } = await api();
    const root = findRoot(io.cwd);
    if (options.unset) {
      await defaultRemote({ root, unset: true });
      io.out('no default remote now\n');
      return;
    }
    if (args.name === undefined) {
      const current = (await listRemotes({ root })).find((r) => r.isDefault);
      io.out(current ? `${current.name}\n` : 'No default remote. Set one with: pipe remote default NAME\n');
      return;
    }
    const r = await defaultRemote({ root, name: args.name, local: options.local });
    io.out(`'${args.name}' is the default remote (${r.file})\n`);
  },
});

export const remote = defineGroup({
  name: 'remote',
  description: `
A remote is where 'pipe push' sends objects and 'pipe pull' gets them, with the cache's own
layout (files/sha256/…, runs/…). URL is a directory (absolute, or relative to the repository
root; a mounted share works) or s3://bucket/prefix for S3 and S3-compatible stores (MinIO,
R2, …: give --endpoint; custom endpoints use path-style addressing unless force_path_style
is set to false). Remotes live in .pipe/config.yaml, which is committed, so every clone
knows them; --local writes .pipe/config.local.yaml (git-ignored) instead.

Credentials never go in the committed file: they come from the environment
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; AWS_REGION and AWS_ENDPOINT_URL
apply when the remote sets no region or endpoint) or from .pipe/config.local.yaml, where
'pipe remote modify NAME secret_access_key VALUE' puts them. They are never printed.`,
  subcommands: [add, list, modify, remove, setDefault],
});
