/**
 * Ansible Vault's envelope, as lib/ansible/parsing/vault/__init__.py writes and reads it:
 * `$ANSIBLE_VAULT;1.1;AES256` (or `;1.2;AES256;LABEL`), then the hexlified payload in lines of 80.
 * The payload is hexlify(hexlify(salt) "\n" hexlify(hmac) "\n" hexlify(ciphertext)).
 */
export const HEADER = '$ANSIBLE_VAULT';
/** The vault id of a 1.1 envelope and of a password given without a label. */
export const DEFAULT_ID = 'default';
export const CIPHER = 'AES256';

/** A vault envelope that cannot be read (not a wrong password: its text is damaged). */
export class VaultFormatError extends Error {}

export interface Envelope {
  version: string;
  cipher: string;
  /** The label of a 1.2 envelope; undefined for 1.1. */
  vaultId?: string;
  /** The outer hex text (header and newlines removed). */
  body: string;
}

export interface Payload {
  salt: Buffer;
  /** The HMAC as written (hex text), compared after decoding. */
  hmac: Buffer;
  ciphertext: Buffer;
}

/** Whether text (or bytes) is vault data: starts with the header, as Ansible's is_encrypted. */
export function isVaulted(data: string | Buffer): boolean {
  const head = typeof data === 'string' ? data.slice(0, HEADER.length) : data.subarray(0, HEADER.length).toString('latin1');
  return head === HEADER;
}

const LINES = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

export function parseEnvelope(text: string): Envelope {
  const [first = '', ...rest] = text.split(LINES);
  const parts = first.trim().split(';');
  if (parts[0] !== HEADER || parts.length < 3) throw new VaultFormatError(`bad vault header "${first.slice(0, 60)}"`);
  const vaultId = parts.length >= 4 ? (parts[3] as string).trim() : undefined;
  return { version: (parts[1] as string).trim(), cipher: (parts[2] as string).trim(), ...(vaultId ? { vaultId } : {}), body: rest.join('') };
}

/** Python's unhexlify: an even number of hex digits, nothing else. */
export function unhex(text: string, what: string): Buffer {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new VaultFormatError(`${what} is not hex text`);
  return Buffer.from(text, 'hex');
}

export function parsePayload(body: string): Payload {
  const inner = unhex(body, 'the vault payload').toString('latin1');
  const first = inner.indexOf('\n');
  const second = first < 0 ? -1 : inner.indexOf('\n', first + 1);
  if (second < 0) throw new VaultFormatError('the vault payload lacks its salt, HMAC and ciphertext lines');
  return {
    salt: unhex(inner.slice(0, first), 'the salt'),
    hmac: unhex(inner.slice(first + 1, second), 'the HMAC'),
    ciphertext: unhex(inner.slice(second + 1), 'the ciphertext'),
  };
}

export function formatPayload(p: Payload): string {
  const inner = `${p.salt.toString('hex')}\n${p.hmac.toString('hex')}\n${p.ciphertext.toString('hex')}`;
  return Buffer.from(inner, 'latin1').toString('hex');
}

/** The envelope Ansible writes: 1.1 without a label (or the label "default"), 1.2 with one. */
export function formatEnvelope(body: string, vaultId?: string): string {
  const labelled = vaultId !== undefined && vaultId !== '' && vaultId !== DEFAULT_ID;
  const header = labelled ? `${HEADER};1.2;${CIPHER};${vaultId}` : `${HEADER};1.1;${CIPHER}`;
  const lines = [header];
  for (let i = 0; i < body.length; i += 80) lines.push(body.slice(i, i + 80));
  return `${lines.join('\n')}\n`;
}
