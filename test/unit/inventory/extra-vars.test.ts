import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { parseExtraVars } from '../../../src/inventory/extra-vars.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-extra-'));
writeFileSync(join(dir, 'vars.json'), '{"vip": "192.0.2.10", "ports": [80, 443]}');
writeFileSync(join(dir, 'vars.yml'), 'vip: 192.0.2.11\nenabled: yes\nweight: 3\n');
writeFileSync(join(dir, 'list.yml'), '- a\n- b\n');
writeFileSync(join(dir, 'broken.json'), '{"a": ');
const parse = (...args: string[]) => parseExtraVars(args, { cwd: dir });

async function failure(...args: string[]): Promise<LvsError> {
  try {
    await parse(...args);
  } catch (e) {
    expect(e).toBeInstanceOf(LvsError);
    return e as LvsError;
  }
  throw new Error('expected a failure');
}

describe('parseExtraVars', () => {
  it('key=value pairs, several per flag; JSON numbers and booleans convert', async () => {
    expect(await parse('a=1 b=true c=false d=1.5 e=-2 f=text g=01 h=1e3')).toEqual({ a: 1, b: true, c: false, d: 1.5, e: -2, f: 'text', g: '01', h: 1000 });
  });

  it('quotes group words, and a quoted value stays a string', async () => {
    expect(await parse('msg="hello world" n="5" m=\'true\' path=a\\ b')).toEqual({ msg: 'hello world', n: '5', m: 'true', path: 'a b' });
  });

  it('keys with dots are not split; values may contain =', async () => {
    expect(await parse('vrrp.priority=150 opts=a=b')).toEqual({ 'vrrp.priority': 150, opts: 'a=b' });
  });

  it('JSON objects, and YAML flow objects', async () => {
    expect(await parse('{"vrrp": {"priority": 150}, "x": null}')).toEqual({ vrrp: { priority: 150 }, x: null });
    expect(await parse('{a: 1, b: yes}')).toEqual({ a: 1, b: true });
  });

  it('@file.json and @file.yml (relative to cwd); later flags win', async () => {
    expect(await parse('@vars.json')).toEqual({ vip: '192.0.2.10', ports: [80, 443] });
    expect(await parse('@vars.json', '@vars.yml', 'weight=9')).toEqual({ vip: '192.0.2.11', ports: [80, 443], enabled: true, weight: 9 });
    expect(await parse(`@${join(dir, 'vars.yml')}`)).toMatchObject({ weight: 3 });
  });

  it('errors name the argument or file', async () => {
    const noEq = await failure('a=1 oops');
    expect(noEq.code).toBe('E_VALIDATION');
    expect(noEq.detail).toMatchObject({ file: '-e', value: 'oops' });
    expect(noEq.reason).toBe('expected key=value');
    expect((await failure('=1')).reason).toBe('extra var without a name');
    expect((await failure('msg="open')).reason).toMatch(/no closing quotation/);
    expect((await failure('[1, 2]')).reason).toMatch(/must be an object/);
    expect((await failure('{"a": ')).detail.file).toBe('-e');
    const missing = await failure('@nope.yml');
    expect(missing.code).toBe('E_LOAD');
    expect(missing.message).toMatch(/^nope\.yml: cannot read extra vars file: ENOENT/);
    const list = await failure('@list.yml');
    expect(list.detail.file).toBe('list.yml');
    expect(list.reason).toMatch(/must be an object/);
    const broken = await failure('@broken.json');
    expect(broken.detail.file).toBe('broken.json');
    expect(broken.reason).toMatch(/^invalid JSON/);
    expect((await failure('@')).reason).toMatch(/missing file name/);
  });

  it('no flags: no vars', async () => {
    expect(await parse()).toEqual({});
  });
});
