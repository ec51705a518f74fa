/** One redaction for every output: any secret of length ≥ 1 is hidden, longest first. */
import { describe, expect, it } from 'vitest';
import { redact, MASK } from '../../../src/mask.js';
import { Redactor } from '../../../src/run/redact.js';
import { SecretResolver, resolveSecret, secret } from '../../../src/inventory/secret.js';

describe('redaction', () => {
  it('a 2-character (or 1-character) secret is still a secret, in every redactor', async () => {
    expect(redact('pin=42 code=x', ['42', 'x'])).toBe(`pin=${MASK} code=${MASK}`);
    expect(new Redactor().add('42').redact('pin=42')).toBe(`pin=${MASK}`);
    const r = new SecretResolver({ env: { PIN: '42' } });
    await r.resolve(secret.env('PIN'));
    expect(r.redact('pin=42')).toBe(`pin=${MASK}`);
  });

  it('longest first: a secret containing another is hidden whole; empty values are ignored', () => {
    expect(redact('pw=hunter2', ['hunter', 'hunter2', ''])).toBe(`pw=${MASK}`);
    expect(new Redactor().add('', undefined).redact('nothing')).toBe('nothing');
  });
});

describe('one secret resolver', () => {
  it('an empty environment variable is not a secret: refused like an unset one', async () => {
    await expect(resolveSecret(secret.env('EMPTY'), { env: { EMPTY: '' } })).rejects.toThrow(/EMPTY is not set/);
    await expect(resolveSecret(secret.env('UNSET'), { env: {} })).rejects.toThrow(/UNSET is not set/);
  });
});
