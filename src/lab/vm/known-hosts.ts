import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** True if a known_hosts line is for `address` (plain, in a comma list, or as [address]:22). */
export function lineMatches(line: string, address: string): boolean {
  const hosts = line.trim().split(/\s+/)[0];
  if (!hosts || hosts.startsWith('#') || hosts.startsWith('@') || hosts.startsWith('|')) return false;
  return hosts.split(',').some((h) => h === address || h === `[${address}]:22`);
}

/**
 * Returns `text` with every line for `address` removed and `address KEYTYPE KEY` appended
 * (the public key line's comment is dropped). Pure.
 */
export function replaceKnownHost(text: string, address: string, publicKeyLine: string): string {
  const [type, key] = publicKeyLine.trim().split(/\s+/);
  if (!type || !key) throw new Error(`not an OpenSSH public key line: ${publicKeyLine.slice(0, 40)}`);
  const kept = text.split('\n').filter((l) => l.trim() !== '' && !lineMatches(l, address));
  return `${[...kept, `${address} ${type} ${key}`].join('\n')}\n`;
}

/** Removes every line for `address`. Pure. */
export function removeKnownHost(text: string, address: string): string {
  const kept = text.split('\n').filter((l) => l.trim() !== '' && !lineMatches(l, address));
  return kept.length ? `${kept.join('\n')}\n` : '';
}

/** Rewrites the known_hosts file atomically with `edit` applied. */
export async function editKnownHosts(path: string, edit: (text: string) => string): Promise<void> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch {
    /* new file */
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, edit(text), { mode: 0o644 });
  await rename(tmp, path);
}
