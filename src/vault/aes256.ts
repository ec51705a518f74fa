/**
 * Ansible Vault's AES256 cipher with Node's crypto only: PBKDF2-HMAC-SHA256 (10000 iterations, 80
 * bytes: AES key, HMAC key, counter), AES-256-CTR over the PKCS#7-padded plaintext, HMAC-SHA256
 * over the ciphertext, checked in constant time before anything is decrypted.
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { VaultFormatError, type Payload } from './format.js';

const ITERATIONS = 10000;
const KEY = 32;
const IV = 16;
const BLOCK = 16;

function keys(password: Buffer, salt: Buffer): { aes: Buffer; mac: Buffer; iv: Buffer } {
  const d = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY + IV, 'sha256');
  return { aes: d.subarray(0, KEY), mac: d.subarray(KEY, 2 * KEY), iv: d.subarray(2 * KEY) };
}

/** PKCS#7 padding to the AES block (the vault pads although CTR needs none). */
function pad(b: Buffer): Buffer {
  const n = BLOCK - (b.length % BLOCK);
  return Buffer.concat([b, Buffer.alloc(n, n)]);
}

function unpad(b: Buffer): Buffer {
  const n = b.length > 0 ? (b[b.length - 1] as number) : 0;
  if (b.length % BLOCK !== 0 || n < 1 || n > BLOCK || !b.subarray(b.length - n).every((x) => x === n)) throw new VaultFormatError('invalid padding');
  return b.subarray(0, b.length - n);
}

export function encrypt(plaintext: Buffer, password: Buffer, salt: Buffer = randomBytes(32)): Payload {
  const k = keys(password, salt);
  const c = createCipheriv('aes-256-ctr', k.aes, k.iv);
  const ciphertext = Buffer.concat([c.update(pad(plaintext)), c.final()]);
  const hmac = createHmac('sha256', k.mac).update(ciphertext).digest();
  return { salt, hmac, ciphertext };
}

/** The plaintext, or null when the HMAC does not match (a wrong password or a changed file). */
export function decrypt(p: Payload, password: Buffer): Buffer | null {
  const k = keys(password, p.salt);
  const mac = createHmac('sha256', k.mac).update(p.ciphertext).digest();
  if (mac.length !== p.hmac.length || !timingSafeEqual(mac, p.hmac)) return null;
  const d = createDecipheriv('aes-256-ctr', k.aes, k.iv);
  return unpad(Buffer.concat([d.update(p.ciphertext), d.final()]));
}
