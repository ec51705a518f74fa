/** One holder of secret values: what the resolver resolves lands in the run's Redactor; one env reader; one mask. */
import { describe, expect, it } from 'vitest';
import { redactKeepalivedConf } from '../../../roles/keepalived/render.js';
import { secret, secretFromEnv, SecretResolver } from '../../../src/inventory/secret.js';
import { MASK, Redactor } from '../../../src/mask.js';
import { Redactor as RunRedactor } from '../../../src/run/redact.js';

describe('one holder of secret values', () => {
  it('the resolver keeps what it resolves in the run\'s holder, so every output masking through it hides it', async () => {
    const holder = new Redactor();
    const r = new SecretResolver({ env: { WIN_PASSWORD: 'pw-123' } }, holder);
    expect(await r.resolve(secret.env('WIN_PASSWORD'))).toBe('pw-123');
    expect(holder.values()).toEqual(['pw-123']);
    expect(holder.redact('login pw-123 failed')).toBe(`login ${MASK} failed`);
    expect(r.redact('pw-123')).toBe(MASK);
    expect(RunRedactor).toBe(Redactor); // the run's redactor is the same holder class
  });

  it('secretFromEnv: the one environment read for secrets; an empty variable is no secret', () => {
    expect([secretFromEnv('A', { A: 'x' }), secretFromEnv('A', { A: '' }), secretFromEnv('A', {})]).toEqual(['x', undefined, undefined]);
  });

  it('keepalived\'s auth_pass is masked with the one mask', () => {
    expect(redactKeepalivedConf('    auth_pass Secret1\n')).toBe(`    auth_pass ${MASK}\n`);
  });
});
