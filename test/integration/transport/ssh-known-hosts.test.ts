import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  fingerprintSha256,
  hostFieldMatches,
  keyTypeOf,
  knownHostName,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
  readKnownHosts,
} from '../../../src/transport/known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-kh-'));
function keygen(name: string, type: string): { blob: Buffer; line: string; fp: string } {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', f]);
  const line = readFileSync(`${f}.pub`, 'utf8').trim();
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${f}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '';
  return { blob: Buffer.from(line.split(' ')[1] ?? '', 'base64'), line, fp };
}

let a: ReturnType<typeof keygen>;
let b: ReturnType<typeof keygen>;
let e: ReturnType<typeof keygen>;
beforeAll(() => {
  a = keygen('a', 'ed25519');
  b = keygen('b', 'ed25519');
  e = keygen('e', 'ecdsa');
});

describe('known_hosts', () => {
  it('fingerprints like ssh-keygen -l and reads the key type from the blob', () => {
    expect(fingerprintSha256(a.blob)).toBe(a.fp);
    expect(fingerprintSha256(e.blob)).toBe(e.fp);
    expect(keyTypeOf(a.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(e.blob)).toBe('ecdsa-sha2-nistp256');
  });

  it('parses entries, markers and comments, skipping malformed lines', () => {
    const [ta, ka] = a.line.split(' ');
    const text = `# comment\n\n10.0.0.1,web1 ${ta} ${ka}\n@revoked * ${ta} ${ka}\nbroken-line\n@cert-authority *.x ${ta} ${ka} ca\n`;
    const es = parseKnownHosts(text);
    expect(es.map((x) => [x.marker, x.hosts, x.line])).toEqual([
      [null, '10.0.0.1,web1', 3],
      ['@revoked', '*', 4],
      ['@cert-authority', '*.x', 6],
    ]);
    expect(es[0]?.key.equals(a.blob)).toBe(true);
  });

  it('matches plain, [host]:port, wildcard and negated patterns', () => {
    expect(knownHostName('10.0.0.1')).toBe('10.0.0.1');
    expect(knownHostName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
    expect(hostFieldMatches('10.0.0.1,web1', 'web1')).toBe(true);
    expect(hostFieldMatches('10.0.0.1,web1', '10.0.0.11')).toBe(false);
    expect(hostFieldMatches('[10.0.0.1]:2222', '[10.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches('[10.0.0.1]:2222', '10.0.0.1')).toBe(false);
    expect(hostFieldMatches('10.0.0.*,!10.0.0.9', '10.0.0.4')).toBe(true);
    expect(hostFieldMatches('10.0.0.*,!10.0.0.9', '10.0.0.9')).toBe(false);
    expect(hostFieldMatches('web?', 'WEB1')).toBe(true);
  });

  it('matches hashed |1| entries written by ssh-keygen -H', () => {
    const f = join(dir, 'hashed');
    const [t, k] = a.line.split(' ');
    writeFileSync(f, `10.77.0.14 ${t} ${k}\n[10.77.0.15]:2222 ${t} ${k}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', f], { stdio: 'ignore' });
    const es = parseKnownHosts(readFileSync(f, 'utf8'));
    expect(es.every((x) => x.hosts.startsWith('|1|'))).toBe(true);
    expect(checkHostKey(es, ['10.77.0.14'], a.blob).status).toBe('ok');
    expect(checkHostKey(es, ['[10.77.0.15]:2222'], a.blob).status).toBe('ok');
    expect(checkHostKey(es, ['10.77.0.15'], a.blob).status).toBe('unknown');
    expect(checkHostKey(es, ['10.77.0.14'], b.blob).status).toBe('changed');
  });

  it('classifies keys: ok, unknown, changed, revoked', () => {
    const [t, k] = a.line.split(' ');
    const [te, ke] = e.line.split(' ');
    const es = parseKnownHosts(`h1 ${t} ${k}\nh1 ${te} ${ke}\n@revoked h2 ${t} ${k}\n`);
    expect(checkHostKey(es, ['h1'], a.blob).status).toBe('ok');
    expect(checkHostKey(es, ['h1'], e.blob).status).toBe('ok');
    const changed = checkHostKey(es, ['h1'], b.blob);
    expect(changed.status).toBe('changed');
    expect(changed.status === 'changed' && changed.known.map((x) => x.line)).toEqual([1, 2]);
    expect(checkHostKey(es, ['h3'], b.blob).status).toBe('unknown');
    expect(checkHostKey(es, ['h2'], a.blob).status).toBe('revoked');
    expect(checkHostKey(es, ['nohost', 'h1'], a.blob).status).toBe('ok');
  });

  it('offers only the host key algorithms already known for the host', () => {
    const [t, k] = a.line.split(' ');
    const es = parseKnownHosts(`h1 ${t} ${k}\nh2 ssh-rsa AAAA\n`);
    expect(preferredHostKeyAlgorithms(es, ['h1'])).toEqual(['ssh-ed25519']);
    expect(preferredHostKeyAlgorithms(es, ['h2'])).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms(es, ['h9'])).toEqual([]);
  });

  it('appends accepted keys (creating the file, keeping lines whole) and reads them back', async () => {
    const f = join(dir, 'sub', 'known_hosts');
    expect(await readKnownHosts(f)).toEqual([]);
    await appendKnownHost(f, '[10.0.0.5]:2200', a.blob);
    writeFileSync(f, `${readFileSync(f, 'utf8')}# no newline at end`);
    await appendKnownHost(f, '10.0.0.6', b.blob);
    const es = await readKnownHosts(f);
    expect(es.map((x) => x.hosts)).toEqual(['[10.0.0.5]:2200', '10.0.0.6']);
    expect(checkHostKey(es, ['10.0.0.6'], b.blob).status).toBe('ok');
    // ssh-keygen itself reads the file back
    const out = execFileSync('ssh-keygen', ['-F', '10.0.0.6', '-f', f], { encoding: 'utf8' });
    expect(out).toContain(b.line.split(' ')[1]);
  });

  it('reads a file again once it changed (the parse of an unchanged text is reused), and matches names case-insensitively', async () => {
    const f = join(dir, 'again');
    const [ta, ka] = a.line.split(' ');
    writeFileSync(f, `Web1.Example,10.0.0.7 ${ta} ${ka}\n`);
    const first = await readKnownHosts(f);
    expect(await readKnownHosts(f)).toBe(first); // unchanged: the same parse
    expect(checkHostKey(first, ['web1.example'], a.blob).status).toBe('ok');
    expect(checkHostKey(first, ['web1'], a.blob).status).toBe('unknown');
    await appendKnownHost(f, '10.0.0.8', b.blob);
    const second = await readKnownHosts(f);
    expect(second.map((x) => x.hosts)).toEqual(['Web1.Example,10.0.0.7', '10.0.0.8']);
    expect(preferredHostKeyAlgorithms(second, ['10.0.0.8'])).toEqual(['ssh-ed25519']);
    // rewritten with the same size at once: the new text is what counts
    writeFileSync(f, `Web1.Example,10.0.0.7 ${ta} ${b.line.split(' ')[1]}\n10.0.0.8 ${ta} ${ka}\n`);
    expect(checkHostKey(await readKnownHosts(f), ['10.0.0.8'], a.blob).status).toBe('ok');
  });
});
