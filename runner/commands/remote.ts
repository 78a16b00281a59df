/** @module `pipe remote add|list|modify|remove|default`: where push and pull send and get data. */
import { addRemote, defaultRemote, isCredential, listRemotes, modifyRemote, removeRemote } from '../api/remote/remote-config.js';
import { PipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import type { Command } from '../command/command.js';

const SUBCOMMANDS = ['add', 'list', 'modify', 'remove', 'default'] as const;

export const remote: Command = {
  name: 'remote',
  usage: 'pipe remote add NAME URL [--default] [--endpoint URL] [--region R] [--force-path-style] [--local] | list [--json] | modify NAME KEY [VALUE] [--unset] [--local] | remove NAME | default [NAME] [--unset]',
  summary: 'add, list, modify and remove remotes (a directory or s3://bucket/prefix)',
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
'pipe remote modify NAME secret_access_key VALUE' puts them. They are never printed.

  add NAME URL        add a remote; --default makes it the default
  list                the remotes, the default marked with *
  modify NAME KEY V   set url, endpoint, region, force_path_style, jobs, or a credential
                      (access_key_id, secret_access_key, session_token); --unset removes it
  remove NAME         remove a remote (from both files)
  default [NAME]      show or set the default remote (--unset clears it); with one remote
                      configured and no default, that one is used`,
  options: {
    default: { type: 'boolean', help: 'add: make the new remote the default' },
    endpoint: { type: 'string', valueName: 'URL', help: 'add: S3 endpoint, e.g. http://127.0.0.1:9000 (MinIO)' },
    region: { type: 'string', valueName: 'REGION', help: 'add: S3 region (default: AWS_REGION, else us-east-1)' },
    'force-path-style': { type: 'boolean', help: 'add: address buckets by path (http://host/bucket/key)' },
    local: { type: 'boolean', help: 'write .pipe/config.local.yaml (git-ignored) instead of .pipe/config.yaml' },
    unset: { type: 'boolean', help: 'modify, default: remove the setting' },
    json: { type: 'boolean', help: 'list: print JSON' },
  },
  positionals: true,
  async run({ values, positionals, io }) {
    const [sub, ...args] = positionals;
    const root = findRoot(io.cwd);
    const usage = (text: string) => new PipeError('USAGE', `${text}; see 'pipe help remote'`, { command: 'remote' });
    const arity = (min: number, max: number, form: string) => {
      if (args.length < min || args.length > max) throw usage(`usage: pipe remote ${form}`);
    };
    switch (sub) {
      case 'add': {
        arity(2, 2, 'add NAME URL [--default] [--endpoint URL] [--region R] [--force-path-style] [--local]');
        const [name, url] = args as [string, string];
        const r = await addRemote({
          root,
          name,
          url,
          endpoint: values.endpoint as string | undefined,
          region: values.region as string | undefined,
          forcePathStyle: Boolean(values['force-path-style']),
          makeDefault: Boolean(values.default),
          local: Boolean(values.local),
        });
        io.out(`added remote '${name}' (${url}) to ${r.file}${values.default ? '; it is the default remote' : ''}\n`);
        return;
      }
      case 'list': {
        arity(0, 0, 'list [--json]');
        const list = await listRemotes({ root });
        if (values.json) {
          io.out(`${JSON.stringify({ remotes: list }, null, 2)}\n`);
          return;
        }
        if (list.length === 0) {
          io.out('No remotes. Add one with: pipe remote add NAME URL --default\n');
          return;
        }
        const w = Math.max(...list.map((r) => r.name.length));
        for (const r of list) {
          const opts = [
            r.endpoint ? `endpoint=${r.endpoint}` : '',
            r.region ? `region=${r.region}` : '',
            r.forcePathStyle !== undefined ? `force_path_style=${r.forcePathStyle}` : '',
            r.jobs ? `jobs=${r.jobs}` : '',
            r.credentials ? `credentials: ${r.credentials}` : '',
          ].filter(Boolean);
          io.out(`${r.isDefault ? '*' : ' '} ${r.name.padEnd(w)}  ${r.url}${opts.length ? `  (${opts.join(', ')})` : ''}\n`);
        }
        return;
      }
      case 'modify': {
        arity(2, 3, 'modify NAME KEY VALUE  (or: modify NAME KEY --unset)');
        const [name, key, value] = args as [string, string, string | undefined];
        const r = await modifyRemote({ root, name, key, value, unset: Boolean(values.unset), local: Boolean(values.local) });
        const shown = isCredential(key) ? '' : ` = ${value}`;
        io.out(values.unset ? `unset ${key} of remote '${name}' (${r.file})\n` : `set ${key}${shown} for remote '${name}' in ${r.file}\n`);
        return;
      }
      case 'remove': {
        arity(1, 1, 'remove NAME');
        const [name] = args as [string];
        const r = await removeRemote({ root, name });
        io.out(`removed remote '${name}' from ${r.files.join(' and ')}${r.wasDefault ? '; there is no default remote now' : ''}\n`);
        return;
      }
      case 'default': {
        arity(0, 1, 'default [NAME] [--unset]');
        const [name] = args;
        if (values.unset) {
          await defaultRemote({ root, unset: true });
          io.out('no default remote now\n');
          return;
        }
        if (name === undefined) {
          const current = (await listRemotes({ root })).find((r) => r.isDefault);
          io.out(current ? `${current.name}\n` : 'No default remote. Set one with: pipe remote default NAME\n');
          return;
        }
        const r = await defaultRemote({ root, name, local: Boolean(values.local) });
        io.out(`'${name}' is the default remote (${r.file})\n`);
        return;
      }
      default:
        throw usage(sub === undefined ? `pipe remote needs a subcommand: ${SUBCOMMANDS.join(', ')}` : `unknown subcommand '${sub}' (one of ${SUBCOMMANDS.join(', ')})`);
    }
  },
};
