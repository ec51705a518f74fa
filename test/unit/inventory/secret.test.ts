import { PassThrough, Writable } from 'node:stream';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { isSecretRef, resolveSecret, secret, SecretResolver, type PromptInput } from '../../../src/inventory/secret.js';

describe('SecretRef never prints its source', () => {
  const refs = [secret.env('WIN_PASSWORD'), secret.prompt('Password?'), secret.value('hunter2')];
  it.each(refs)('%s', (ref) => {
    expect(JSON.stringify({ password: ref })).toBe('{"password":"********"}');
    expect(inspect({ password: ref }, { depth: 5 })).toBe('{ password: ******** }');
    expect(String(ref)).toBe('********');
    expect(`${ref}`).toBe('********');
    expect(inspect(ref, { showHidden: true })).not.toMatch(/hunter2|WIN_PASSWORD|Password\?/);
    expect(Object.isFrozen(ref)).toBe(true);
    expect(isSecretRef(ref)).toBe(true);
  });
  it('isSecretRef recognises the shape (from another copy of lvs-play too)', () => {
    expect(isSecretRef({ type: 'secret', source: { env: 'X' } })).toBe(true);
    expect(isSecretRef({ type: 'secret', source: { env: 'X', value: 'y' } })).toBe(false);
    expect(isSecretRef({ type: 'secret', source: { file: 'x' } })).toBe(false);
    expect(isSecretRef('hunter2')).toBe(false);
  });
  it('secret.env refuses names that cannot be variables', () => {
    expect(() => secret.env('WIN PASSWORD')).toThrowError(/invalid environment variable name/);
  });
});

describe('resolveSecret', () => {
  it('reads env and values', async () => {
    expect(await resolveSecret(secret.env('LVS_T_PW'), { env: { LVS_T_PW: 'pw1' } })).toBe('pw1');
    expect(await resolveSecret(secret.value('pw2'))).toBe('pw2');
  });
  it('an unset variable is E_SECRET naming it', async () => {
    const err = await resolveSecret(secret.env('LVS_T_UNSET'), { env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LvsError);
    expect((err as LvsError).code).toBe('E_SECRET');
    expect((err as LvsError).message).toContain('secret environment variable LVS_T_UNSET is not set');
    expect((err as LvsError).detail.fix).toBe('export LVS_T_UNSET=... before running, or use secret.prompt(...)');
  });
  it('prompting needs a terminal', async () => {
    const input = new PassThrough() as PromptInput;
    const err = await resolveSecret(secret.prompt('Password?'), { input }).catch((e: unknown) => e);
    expect((err as LvsError).code).toBe('E_SECRET');
    expect((err as LvsError).message).toMatch(/cannot prompt for secret "Password\?": stdin is not a terminal/);
  });
  it('reads a line in raw mode, handles backspace, echoes nothing typed', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[] });
    (input as PromptInput).setRawMode = (m: boolean) => input.modes.push(m);
    let shown = '';
    const output = new Writable({ write: (c, _e, cb) => ((shown += String(c)), cb()) });
    const p = resolveSecret(secret.prompt('Password for web1?'), { input, output });
    input.write('hunter3x\u007f');
    input.write('\r');
    expect(await p).toBe('hunter3');
    expect(shown).toBe('Password for web1? \n');
    expect(input.modes).toEqual([true, false]);
  });
  it('Ctrl-C aborts the prompt', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new Writable({ write: (_c, _e, cb) => cb() });
    const p = resolveSecret(secret.prompt('Password?'), { input, output });
    input.write('abc\u0003');
    await expect(p).rejects.toThrowError(/interrupted/);
  });
});

describe('SecretResolver', () => {
  it('remembers resolved values and redacts them, longest first', async () => {
    const r = new SecretResolver({ env: { A: 'pass', B: 'password123' } });
    expect(await r.resolve(secret.env('A'))).toBe('pass');
    expect(await r.resolve(secret.env('B'))).toBe('password123');
    expect(r.redact('pw=password123 short=pass other=x')).toBe('pw=******** short=******** other=x');
    expect(r.values()).toEqual(['pass', 'password123']);
  });
  it('resolves each reference once (one prompt per secret)', async () => {
    const env: NodeJS.ProcessEnv = { A: 'first' };
    const r = new SecretResolver({ env });
    expect(await r.resolve(secret.env('A'))).toBe('first');
    env['A'] = 'second';
    expect(await r.resolve(secret.env('A'))).toBe('first');
  });
  it('a failed resolution is retried, and nothing is remembered', async () => {
    const env: NodeJS.ProcessEnv = {};
    const r = new SecretResolver({ env });
    await expect(r.resolve(secret.env('LATE'))).rejects.toThrowError(/LATE is not set/);
    env['LATE'] = 'now';
    expect(await r.resolve(secret.env('LATE'))).toBe('now');
  });
  it('asks one prompt at a time, each once', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    let shown = '';
    const output = new Writable({ write: (c, _e, cb) => ((shown += String(c)), cb()) });
    const r = new SecretResolver({ input, output });
    const a = r.resolve(secret.prompt('First?'));
    const b = r.resolve(secret.prompt('Second?'));
    const a2 = r.resolve(secret.prompt('First?'));
    await new Promise((ok) => setImmediate(ok));
    expect(shown).toBe('First? ');
    input.write('one\r');
    expect(await a).toBe('one');
    await new Promise((ok) => setImmediate(ok));
    expect(shown).toBe('First? \nSecond? ');
    input.write('two\r');
    expect([await b, await a2]).toEqual(['two', 'one']);
    expect(r.redact('one two')).toBe('******** ********');
  });

  it('two resolvers share nothing', async () => {
    const a = new SecretResolver();
    const b = new SecretResolver();
    await a.resolve(secret.value('only-a'));
    expect(b.redact('only-a')).toBe('only-a');
    expect(a.redact('only-a')).toBe('********');
  });
});
