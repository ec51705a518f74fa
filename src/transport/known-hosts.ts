/**
 * OpenSSH known_hosts: parsing, matching (plain, wildcard, negated and hashed `|1|` names, the
 * `[host]:port` form), SHA256 fingerprints, and appending newly accepted keys.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isAscii, patternListMatches } from '../sshconfig/pattern.js';

export interface KnownHostEntry {
  marker: '@revoked' | '@cert-authority' | null;
  /** The host field as written: comma-separated patterns, or one `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  key: Buffer;
  /** 1-based line number, for messages. */
  line: number;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const f = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (f[0] === '@revoked' || f[0] === '@cert-authority') marker = f.shift() as KnownHostEntry['marker'];
    const [hosts, keyType, b64] = f;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    out.push({ marker, hosts, keyType, key: Buffer.from(b64, 'base64'), line: i + 1 });
  });
  return out;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port = 22): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hashedMatch(field: string, name: string): boolean {
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64');
  const got = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Does the entry's host field name `name`? A matching negated pattern (`!pat`) excludes it. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatch(field, name);
  return patternListMatches([field], name);
}

/** A field of plain host names (no wildcard, negation or hash): its names lower-cased; else null. */
const plainNames = new WeakMap<KnownHostEntry, ReadonlySet<string> | null>();

/**
 * hostFieldMatches for an entry, its plain names kept from the first call: every connection of a run
 * checks every line of the file (most of them other hosts' plain names).
 */
function entryNames(e: KnownHostEntry, name: string): boolean {
  let plain = plainNames.get(e);
  if (plain === undefined) {
    plain = isAscii(e.hosts) && !/[*?!|\s]/.test(e.hosts) ? new Set(e.hosts.toLowerCase().split(',')) : null;
    plainNames.set(e, plain);
  }
  return plain && isAscii(name) ? plain.has(name.toLowerCase()) : hostFieldMatches(e.hosts, name);
}

/** `SHA256:…` as `ssh-keygen -lf` prints it (base64 without padding). */
export function fingerprintSha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written inside a public key blob (its first SSH string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.subarray(4, 4 + n).toString('latin1') : 'unknown';
}

export type HostKeyVerdict =
  | { status: 'ok'; entry: KnownHostEntry }
  | { status: 'unknown' }
  | { status: 'changed'; known: KnownHostEntry[] }
  | { status: 'revoked'; entry: KnownHostEntry };

/** Checks a presented key against entries for any of `names`. */
export function checkHostKey(entries: readonly KnownHostEntry[], names: readonly string[], key: Buffer): HostKeyVerdict {
  const mine = entries.filter((e) => e.marker !== '@cert-authority' && names.some((n) => entryNames(e, n)));
  const revoked = mine.find((e) => e.marker === '@revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = mine.filter((e) => e.marker === null);
  const same = plain.find((e) => e.key.equals(key));
  if (same) return { status: 'ok', entry: same };
  return plain.length ? { status: 'changed', known: plain } : { status: 'unknown' };
}

const ALGOS: Record<string, readonly string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ssh-dss': ['ssh-dss'],
};

/**
 * Host key algorithms to offer, limited to the key types already known for the host (as OpenSSH
 * prefers them), so a server holding several keys is not mistaken for a changed key. Empty = any.
 */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of entries) {
    if (e.marker !== null || !names.some((n) => entryNames(e, n))) continue;
    for (const a of ALGOS[e.keyType] ?? []) if (!out.includes(a)) out.push(a);
  }
  return out;
}

/** Each file's text as last read, and its parse: a file read again with the same text is not parsed again. */
const lastRead = new Map<string, { text: string; entries: KnownHostEntry[] }>();

/** The entries of a known_hosts file (none if it does not exist); the parse of an unchanged text is reused. */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  try {
    const text = await readFile(file, 'utf8');
    const last = lastRead.get(file);
    if (last?.text === text) return last.entries;
    const entries = parseKnownHosts(text);
    lastRead.set(file, { text, entries });
    return entries;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

function formatKnownHostsLine(name: string, key: Buffer): string {
  return `${name} ${keyTypeOf(key)} ${key.toString('base64')}`;
}

/** Appends one entry (creating the file and its directory when missing). */
export async function appendKnownHost(file: string, name: string, key: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readFile(file, 'utf8').catch(() => '');
  const sep = existing && !existing.endsWith('\n') ? '\n' : '';
  await appendFile(file, `${sep}${formatKnownHostsLine(name, key)}\n`, { mode: 0o644 });
}
