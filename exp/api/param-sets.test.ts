import { describe, expect, it } from 'vitest';
import { isPipeError } from '../../runner/command/index.js';
import { parseParamSet, sweep } from './param-sets.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return isPipeError(err) ? `${err.code}: ${err.message.split('. Write')[0]}` : String(err);
  }
  return 'no error';
};

describe('-S [FILE:]KEY=VALUES', () => {
  it('splits values at top-level commas and reads each as YAML', () => {
    expect(parseParamSet('train.lr=0.001,0.01,0.1')).toMatchObject({ file: 'params.yaml', key: ['train', 'lr'], values: [0.001, 0.01, 0.1] });
    expect(parseParamSet('train.hidden=[32],[64,32]').values).toEqual([[32], [64, 32]]);
    expect(parseParamSet('opt={name: adam, b: [1,2]}').values).toEqual([{ name: 'adam', b: [1, 2] }]);
    expect(parseParamSet('name="a,b",c').values).toEqual(['a,b', 'c']);
    expect(parseParamSet('conf/train.yaml:model.depth=4')).toMatchObject({ file: 'conf/train.yaml', key: ['model', 'depth'], values: [4] });
    expect(parseParamSet('eq=a=b').values).toEqual(['a=b']);
  });

  it('refuses malformed options with EXP_SET_INVALID naming what is wrong', () => {
    expect(code(() => parseParamSet('lr'))).toBe("EXP_SET_INVALID: -S 'lr': no '=' between the key and its value");
    expect(code(() => parseParamSet('=1'))).toBe("EXP_SET_INVALID: -S '=1': no key before =");
    expect(code(() => parseParamSet('lr='))).toBe("EXP_SET_INVALID: -S 'lr=': no value after =");
    expect(code(() => parseParamSet('lr=1,'))).toBe("EXP_SET_INVALID: -S 'lr=1,': an empty value between commas");
    expect(code(() => parseParamSet('h=[1'))).toBe("EXP_SET_INVALID: -S 'h=[1': an unclosed bracket");
    expect(code(() => parseParamSet('h=1]'))).toBe("EXP_SET_INVALID: -S 'h=1]': an unmatched ']'");
    expect(code(() => parseParamSet('s="ab'))).toBe("EXP_SET_INVALID: -S 's=\"ab': an unclosed \" quote");
    expect(code(() => parseParamSet('a..b=1'))).toBe("EXP_SET_INVALID: -S 'a..b=1': 'a..b' is not a dotted key (a.b.c)");
    expect(code(() => parseParamSet(':a=1'))).toBe("EXP_SET_INVALID: -S ':a=1': an empty file name before ':'");
  });
});

describe('sweep', () => {
  const sets = [parseParamSet('lr=1,2,3'), parseParamSet('h=[32],[64,32]')];

  it('is every combination, in the order given', () => {
    const grid = sweep(sets).map((c) => c.map((o) => JSON.stringify(o.value)).join(' '));
    expect(grid).toEqual(['1 [32]', '1 [64,32]', '2 [32]', '2 [64,32]', '3 [32]', '3 [64,32]']);
  });

  it('--random N keeps N distinct combinations', () => {
    const picked = sweep(sets, { random: 4 }).map((c) => JSON.stringify(c));
    expect(picked).toHaveLength(4);
    expect(new Set(picked).size).toBe(4);
  });

  it('refuses a key set twice', () => {
    expect(code(() => sweep([parseParamSet('lr=1'), parseParamSet('params.yaml:lr=2')]))).toMatch(/params\.yaml:lr is set twice/);
  });
});
