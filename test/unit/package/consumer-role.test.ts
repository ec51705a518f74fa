// The outside repository's own role (examples/authoring/roles/site-health.ts, shipped in the package; docs/authoring.md),
// tested as its author would: the parser on captured output, the plan, the options. Pure: no host.
import { describe, expect, it } from 'vitest';
import { sha256 } from 'lvs-play/kit';
import { healthScript, scriptFact, scriptText, siteHealth, siteHealthOptions } from '../../../examples/authoring/roles/site-health.js';

const output = (...lines: string[]) => ({ code: 0, stdout: `${lines.join('\n')}\n`, stderr: '' });
const o = siteHealthOptions.parse({});

describe('site-health, a role written with the public kit', () => {
  it('the fact: the file as it is, and whether curl is there', () => {
    const fact = scriptFact('/usr/local/sbin/site-health');
    expect(fact.parse(output('type=absent', 'curl=1'))).toEqual({ file: { type: 'absent' }, curl: true });
    const text = scriptText(o);
    const present = fact.parse(output('type=file', `stat=755 0 0 root root ${text.length}`, `sha256=${sha256(text)}`, 'curl=0'));
    expect(present).toMatchObject({ file: { type: 'file', mode: 0o755, user: 'root', sha256: sha256(text) }, curl: false });
    expect(() => fact.parse({ code: 1, stdout: '', stderr: 'stat: boom' })).toThrow(/boom/);
  });

  it('the plan: create when absent, nothing when as wanted, the mode alone when only it differs', () => {
    const r = healthScript(o);
    const text = scriptText(o);
    expect(r.plan({ file: { type: 'absent' }, curl: true })).toMatchObject({ action: 'write', path: '/usr/local/sbin/site-health', mode: 0o755, reasons: ['create'] });
    const same = { type: 'file' as const, mode: 0o755, uid: 0, gid: 0, user: 'root', group: 'root', size: text.length, sha256: sha256(text) };
    expect(r.plan({ file: same, curl: true })).toBeNull();
    expect(r.plan({ file: { ...same, mode: 0o700 }, curl: true })).toMatchObject({ action: 'attrs', mode: 0o755 });
    expect(() => r.plan({ file: same, curl: false })).toThrow(/curl is not installed/);
  });

  it('the options: defaults, and wrong values refused before any host, naming the field', () => {
    expect(o).toEqual({ port: 80, path: '/usr/local/sbin/site-health', timeoutSeconds: 2 });
    expect(scriptText(siteHealthOptions.parse({ port: 8080 }))).toContain('http://127.0.0.1:8080/');
    expect(() => siteHealth({ port: 70000 })).toThrow(/site-health\(options\)\.port/);
    expect(() => siteHealth({ path: 'relative/path' })).toThrow(/site-health\(options\)\.path/);
  });

  it('the role: the script gated to Debian, notifying its handler', () => {
    const role = siteHealth();
    expect(role.resources.map((x) => x.id)).toEqual(['site-health /usr/local/sbin/site-health (Debian)']);
    expect(role.resources[0]?.notify).toEqual(['site-health first check']);
    expect(Object.keys(role.handlers ?? {})).toEqual(['site-health first check']);
  });
});
