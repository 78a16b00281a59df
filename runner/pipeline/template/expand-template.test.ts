import { describe, expect, it } from 'vitest';
import { expandTemplate, type VarsReader } from './expand-template.js';

function files(map: Record<string, unknown>): VarsReader {
  return async (name) => (Object.hasOwn(map, name) ? { exists: true, value: map[name] } : { exists: false });
}

async function stagesOf(doc: unknown, vars: Record<string, unknown> = {}) {
  const r = await expandTemplate(doc, files(vars));
  expect(r.issues).toEqual([]);
  return (r.value as { stages: Record<string, Record<string, unknown>> }).stages;
}

describe('expandTemplate', () => {
  it('leaves a file without templating as it is and reads no vars file', async () => {
    const doc = { stages: { a: { cmd: 'echo $HOME' } } };
    let reads = 0;
    const r = await expandTemplate(doc, async () => {
      reads++;
      return { exists: false };
    });
    expect(r.value).toBe(doc);
    expect(r.templated).toBe(false);
    expect(reads).toBe(0);
  });

  it('interpolates nested keys from params.yaml, inline vars and vars files (all keys or some)', async () => {
    const s = await stagesOf(
      {
        vars: [{ model: { name: 'lr' } }, 'config.yaml', 'more.json:data.dir,seed'],
        stages: { train: { cmd: 'python train.py --lr ${train.lr} --m ${model.name} --in ${data.dir} --s ${seed} --c ${cfg}' } },
      },
      { 'params.yaml': { train: { lr: 0.01 } }, 'config.yaml': { cfg: 'x' }, 'more.json': { data: { dir: 'd', other: 1 }, seed: 3, unused: 4 } },
    );
    expect(s.train?.cmd).toBe('python train.py --lr 0.01 --m lr --in d --s 3 --c x');
  });

  it('keeps the type of a value that is the whole string, and turns booleans into true/false inside text', async () => {
    const s = await stagesOf({ vars: [{ n: 3, flag: false, list: [1, 2] }], stages: { a: { cmd: 'run ${flag}', meta: { n: '${n}', l: '${list}' } } } });
    expect(s.a?.meta).toEqual({ n: 3, l: [1, 2] });
    expect(s.a?.cmd).toBe('run false');
  });

  it('records which params a stage used, so a change re-runs it', async () => {
    const r = await expandTemplate(
      { vars: [{ inline: 1 }], stages: { a: { cmd: 'x ${train.lr} ${inline}' }, b: { cmd: 'y' } } },
      files({ 'params.yaml': { train: { lr: 1 } } }),
    );
    expect(r.used.get('a')).toEqual([{ file: 'params.yaml', key: 'train.lr' }]);
    expect(r.used.get('b')).toBeUndefined();
  });

  it('names foreach instances as DVC does: plain values by value, composite items by index, mappings by key', async () => {
    const s = await stagesOf({
      stages: {
        plain: { foreach: ['us', 'uk'], do: { cmd: 'echo ${item}', outs: ['out-${item}.txt'] } },
        dicts: { foreach: [{ a: 1 }, { a: 2 }], do: { cmd: 'echo ${item.a}' } },
        keyed: { foreach: { uk: { epochs: 3 }, us: { epochs: 10 } }, do: { cmd: "train '${key}' ${item.epochs}", outs: [{ 'model-${key}.bin': { cache: false } }] } },
      },
    });
    expect(Object.keys(s)).toEqual(['plain@us', 'plain@uk', 'dicts@0', 'dicts@1', 'keyed@uk', 'keyed@us']);
    expect(s['plain@uk']?.outs).toEqual(['out-uk.txt']);
    expect(s['dicts@1']?.cmd).toBe('echo 2');
    expect(s['keyed@us']).toEqual({ cmd: "train 'us' 10", outs: [{ 'model-us.bin': { cache: false } }] });
  });

  it('iterates over a ${var} that is a list or a mapping', async () => {
    const s = await stagesOf({ stages: { f: { foreach: '${langs}', do: { cmd: 'x ${item}' } } } }, { 'params.yaml': { langs: ['en', 'de'] } });
    expect(Object.keys(s)).toEqual(['f@en', 'f@de']);
  });

  it('expands a matrix into every combination, named by values (composite ones by name and index)', async () => {
    const r = await expandTemplate(
      { vars: [{ cfgs: [{ d: 1 }, { d: 2 }] }], stages: { t: { matrix: { os: ['linux', 'mac'], py: ['3.9', 3.1], cfg: '${cfgs}' }, cmd: 'run ${item.os} ${item.py} ${item.cfg.d} ${key}' } } },
      files({}),
    );
    expect(r.issues).toEqual([]);
    const s = (r.value as { stages: Record<string, { cmd: string }> }).stages;
    expect(Object.keys(s)).toHaveLength(8);
    expect(s['t@mac-3.1-cfg1']?.cmd).toBe('run mac 3.1 2 mac-3.1-cfg1');
    expect(r.origins.get('t@linux-3.9-cfg0')).toEqual(['stages', 't']);
  });

  it('unpacks a mapping into --key value arguments in cmd only', async () => {
    const s = await stagesOf({ vars: [{ args: { lr: 0.1, verbose: true, quiet: false, layers: [32, 16], opt: { beta: 0.9 } } }], stages: { a: { cmd: 'train ${args}' } } });
    expect(s.a?.cmd).toBe('train --lr 0.1 --verbose --layers 32 16 --opt.beta 0.9');
    const r = await expandTemplate({ vars: [{ args: { a: 1 } }], stages: { a: { cmd: 'x', deps: ['d-${args}'] } } }, files({}));
    expect(r.issues).toEqual([{ path: ['stages', 'a', 'deps', 0], message: expect.stringMatching(/'\$\{args\}' is a mapping.*only in cmd/) }]);
  });

  it('treats \\${ as a literal ${ and refuses an unclosed ${ with its key path', async () => {
    const s = await stagesOf({ vars: [{ a: 1 }], stages: { s: { cmd: 'echo \\${HOME} ${a}' } } });
    expect(s.s?.cmd).toBe('echo ${HOME} 1');
    const r = await expandTemplate({ stages: { s: { cmd: ['ok', 'echo ${HOME'] } } }, files({}));
    expect(r.issues).toEqual([{ path: ['stages', 's', 'cmd', 1], message: expect.stringMatching(/'\$\{' is not closed/) }]);
  });

  it('says which variable is not defined, at the string that names it', async () => {
    const r = await expandTemplate({ stages: { s: { foreach: [1], do: { cmd: 'x ${item} ${train.epochs}' } } } }, files({ 'params.yaml': { train: { lr: 1 } } }));
    expect(r.issues).toEqual([{ path: ['stages', 's', 'do', 'cmd'], message: expect.stringMatching(/'train\.epochs' is not defined in params\.yaml/) }]);
    const r2 = await expandTemplate({ stages: { s: { cmd: '${nope}' } } }, files({}));
    expect(r2.issues[0]?.message).toMatch(/'nope' is not defined/);
  });

  it('refuses a var defined twice, a vars file that is missing or TOML, and a key not in its file', async () => {
    const r = await expandTemplate(
      { vars: [{ lr: 1 }, 'missing.yaml', 'p.toml', 'v.yaml:nothere', 'lr.yaml'], stages: { s: { cmd: 'x' } } },
      files({ 'params.yaml': {}, 'v.yaml': { a: 1 }, 'lr.yaml': { lr: 2 } }),
    );
    expect(r.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['vars.1', expect.stringMatching(/'missing\.yaml' does not exist/)],
      ['vars.2', expect.stringMatching(/not \.toml/)],
      ['vars.3', expect.stringMatching(/key 'nothere' not found/)],
      ['vars.4', expect.stringMatching(/cannot redefine 'lr' from lr\.yaml: it is already defined in vars\[0\]/)],
    ]);
  });

  it('reads a stage’s own vars relative to its wdir', async () => {
    const s = await stagesOf({ stages: { s: { wdir: 'sub', vars: ['local.yaml', { k: 'v' }], cmd: 'x ${n} ${k}' } } }, { 'sub/local.yaml': { n: 5 } });
    expect(s.s).toEqual({ wdir: 'sub', cmd: 'x 5 v' });
  });

  it('refuses foreach without do, do without foreach, both foreach and matrix, and a generated name that exists', async () => {
    const r = await expandTemplate(
      {
        stages: {
          a: { foreach: [1] },
          b: { do: { cmd: 'x' } },
          c: { foreach: [1], matrix: { x: [1] }, do: { cmd: 'x' } },
          'd@1': { cmd: 'x' },
          d: { foreach: [1], do: { cmd: 'x' } },
          e: { matrix: { x: 'not-a-list' }, cmd: 'x' },
        },
      },
      files({}),
    );
    expect(r.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['stages.a.foreach', expect.stringMatching(/without a 'do'/)],
      ['stages.b.do', expect.stringMatching(/'do' without 'foreach'/)],
      ['stages.c', expect.stringMatching(/both foreach and matrix/)],
      ['stages.d', expect.stringMatching(/generates stage 'd@1', which is already defined/)],
      ['stages.e.matrix.x', expect.stringMatching(/needs a list/)],
    ]);
  });

  it('interpolates top-level metrics, plots, params and artifacts', async () => {
    const r = await expandTemplate({ vars: [{ dir: 'eval' }], metrics: ['${dir}/metrics.json'], artifacts: { m: { path: '${dir}/model' } }, stages: {} }, files({}));
    expect(r.value).toEqual({ metrics: ['eval/metrics.json'], artifacts: { m: { path: 'eval/model' } }, stages: {} });
  });
});
