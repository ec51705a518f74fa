/**
 * Issue 27 point 3: large files reach the lab hosts streamed through the one write path — an
 * `upload` from a path (48 MB) and a `file` from a Buffer (20 MB) to rs1 and rs2 over ssh: byte-exact
 * (sha256 on the host), a new file renamed over the old one (new inode, no temp left), and the
 * second run sends nothing (ok, the file untouched: same inode and mtime).
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { play, playbook } from '../../src/dsl/play.js';
import { directory, file, upload } from '../../src/resources/index.js';
import { ensureLab, failures, onHost, runOnLab } from './support.js';

const HOSTS = ['rs1', 'rs2'];
const DIR = '/var/tmp/lvs-transfer';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const local = mkdtempSync(join(tmpdir(), 'lvs-transfer-'));
const fromPath = randomBytes(48 * 1024 * 1024);
const src = join(local, 'big.bin');
writeFileSync(src, fromPath);
const fromBuffer = randomBytes(20 * 1024 * 1024);

const site = playbook('streamed transfers', [
  play('linux', { hosts: 'linux_realservers' }, () => [
    directory({ path: DIR, mode: 0o755 }),
    upload({ src, dest: `${DIR}/big.bin`, mode: 0o640 }),
    file({ path: `${DIR}/buf.bin`, content: fromBuffer }),
  ]),
]);

/** sha256, inode, mtime and mode of both files, and the temp files beside them. */
async function state(host: string): Promise<{ big: string[]; buf: string[]; temps: string }> {
  const row = async (f: string) => (await onHost(host, `sha256sum < ${DIR}/${f} | cut -d' ' -f1; stat -c '%i %y %a' ${DIR}/${f}`)).trim().split('\n');
  return { big: await row('big.bin'), buf: await row('buf.bin'), temps: (await onHost(host, `ls -A ${DIR} | grep -F .lvs- || true`)).trim() };
}

describe('streamed transfers on lab hosts', () => {
  beforeAll(async () => {
    await ensureLab();
    for (const h of HOSTS) await onHost(h, `rm -rf ${DIR}; mkdir -p ${DIR}; echo old > ${DIR}/big.bin; echo old > ${DIR}/buf.bin`);
  });
  afterAll(async () => {
    for (const h of HOSTS) await onHost(h, `rm -rf ${DIR}`);
    rmSync(local, { recursive: true, force: true });
  });

  let first: Record<string, { big: string[]; buf: string[]; temps: string }> = {};

  it('byte-exact on every host, through a temp file renamed over the old one', async () => {
    const inodes = Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, (await onHost(h, `stat -c %i ${DIR}/big.bin ${DIR}/buf.bin`)).trim().split('\n')] as const)));
    const report = await runOnLab(site);
    expect(failures(report)).toBe('');
    for (const h of HOSTS) expect(report.summary[h]).toMatchObject({ changed: 2, failed: 0 });
    for (const h of HOSTS) {
      const s = await state(h);
      first[h] = s;
      expect(s.big[0]).toBe(sha(fromPath));
      expect(s.buf[0]).toBe(sha(fromBuffer));
      expect(s.big[1]!.split(' ')[0]).not.toBe(inodes[h]![0]); // renamed over, not written in place
      expect(s.buf[1]!.split(' ')[0]).not.toBe(inodes[h]![1]);
      expect(s.big[1]!.split(' ').at(-1)).toBe('640');
      expect(s.temps).toBe('');
    }
  });

  it('the second run sends nothing: ok, the files untouched (same inode and mtime)', async () => {
    const report = await runOnLab(site);
    expect(failures(report)).toBe('');
    for (const h of HOSTS) expect(report.summary[h]).toMatchObject({ changed: 0, ok: 3 });
    for (const h of HOSTS) expect(await state(h)).toEqual(first[h]);
  });
});
