import { describe, expect, it } from 'vitest';
import { defineCommand } from './command.js';
import { parseCommandArgs, positiveInt, seconds } from './parse-args.js';

const repro = defineCommand({
  name: 'repro',
  options: {
    force: { type: 'boolean', short: 'f', help: 'run even when up to date' },
    jobs: { type: 'string', short: 'j', help: 'stages at once', valueName: 'N' },
    target: { type: 'string', multiple: true, help: 'a target' },
  },
  positionals: [{ name: 'stages', valueName: 'STAGE…', variadic: true }],
  run: async () => {},
});

const remoteAdd = defineCommand({
  name: 'add',
  positionals: [
    { name: 'name', valueName: 'NAME', required: true },
    { name: 'url', valueName: 'URL', required: true },
    { name: 'extra', valueName: 'EXTRA' },
  ],
  run: async () => {},
});

describe('parseCommandArgs', () => {
  it('types what run receives: absent booleans false, absent strings undefined, repeated options a list', () => {
    expect(parseCommandArgs(repro, 'repro', [])).toEqual({ options: { force: false, jobs: undefined, target: [] }, args: { stages: [] } });
    expect(parseCommandArgs(repro, 'repro', ['-f', '-j', '2', 'train', '--target', 'a', 'eval', '--target', 'b'])).toEqual({
      options: { force: true, jobs: '2', target: ['a', 'b'] },
      args: { stages: ['train', 'eval'] },
    });
  });

  it('turns an unknown flag into a usage error (exit 2) naming the command and where help is', () => {
    expect(() => parseCommandArgs(repro, 'repro', ['--nope'])).toThrowError(
      expect.objectContaining({ code: 'USAGE', data: { command: 'repro' }, message: expect.stringMatching(/'--nope'.* \(pipe repro\); see 'pipe help repro'$/) }),
    );
  });

  it('names the missing required arguments, all of them', () => {
    expect(() => parseCommandArgs(remoteAdd, 'remote add', [])).toThrowError("NAME and URL are missing (pipe remote add); see 'pipe help remote add'");
    expect(() => parseCommandArgs(remoteAdd, 'remote add', ['store'])).toThrowError(/^URL is missing/);
  });

  it('refuses an extra argument, saying what the command takes', () => {
    expect(() => parseCommandArgs(remoteAdd, 'remote add', ['a', 'b', 'c', 'd'])).toThrowError(/^unexpected argument 'd': it takes NAME URL \[EXTRA\]/);
    const status = defineCommand({ name: 'status', run: async () => {} });
    expect(() => parseCommandArgs(status, 'status', ['x'])).toThrowError("Unexpected argument 'x'. This command does not take positional arguments (pipe status); see 'pipe help status'");
  });
});

describe('positiveInt and seconds', () => {
  it('give the fallback when the flag is absent, the number when it is valid', () => {
    expect(positiveInt('repro', '-j', undefined, 4)).toBe(4);
    expect(positiveInt('repro', '-j', '3', 4)).toBe(3);
    expect(seconds('repro', '--wait', undefined, 0)).toBe(0);
    expect(seconds('repro', '--wait', '0.5', 0)).toBe(0.5);
  });

  it('name the flag, what it expects and what came in', () => {
    for (const bad of ['0', '1.5', 'two', '-1']) {
      expect(() => positiveInt('repro', '-j', bad, 4)).toThrowError(
        expect.objectContaining({ code: 'USAGE', data: { command: 'repro', flag: '-j' }, message: `-j expects a whole number of at least 1, got '${bad}' (pipe repro)` }),
      );
    }
    expect(() => seconds('repro', '--wait', '-1', 0)).toThrowError("--wait expects a number of seconds (0 or more), got '-1' (pipe repro)");
    expect(() => seconds('repro', '--wait', 'soon', 0)).toThrowError(/got 'soon'/);
  });
});
