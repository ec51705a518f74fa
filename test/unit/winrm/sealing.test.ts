/**
 * WinRM message-encryption framing, byte for byte against pywinrm's encryption.py (the fixture is
 * the body pywinrm 0.3.0 builds for the same message with a stand-in sealing: reversed bytes, a
 * signature of 16 'S'). The sealing itself is the NTLM helper's (integration tests).
 */
import { describe, expect, it } from 'vitest';
import { ENCRYPTED_CONTENT_TYPE, isSealed, sealBody, unsealBody } from '../../../src/transport/winrm/sealing.js';

const PYWINRM_BODY = Buffer.from(
  'LS1FbmNyeXB0ZWQgQm91bmRhcnkNCglDb250ZW50LVR5cGU6IGFwcGxpY2F0aW9uL0hUVFAtU1BORUdPLXNlc3Npb24tZW5jcnlwdGVkDQoJT3JpZ2luYWxDb250ZW50OiB0eXBlPWFwcGxpY2F0aW9uL3NvYXAreG1sO2NoYXJzZXQ9VVRGLTg7TGVuZ3RoPTI3DQotLUVuY3J5cHRlZCBCb3VuZGFyeQ0KCUNvbnRlbnQtVHlwZTogYXBwbGljYXRpb24vb2N0ZXQtc3RyZWFtDQoQAAAAU1NTU1NTU1NTU1NTU1NTUz5lcG9sZXZuRTpzLzy8wz5lcG9sZXZuRTpzPC0tRW5jcnlwdGVkIEJvdW5kYXJ5LS0NCg==',
  'base64',
);
const MESSAGE = Buffer.from('<s:Envelope>ü</s:Envelope>');
const SIG = Buffer.alloc(16, 'S');
const wrap = async (b: Buffer) => Buffer.concat([SIG, Buffer.from(b).reverse()]);
const unwrap = async (b: Buffer) => {
  if (!b.subarray(0, 16).equals(SIG)) throw new Error('bad signature');
  return Buffer.from(b.subarray(16)).reverse();
};

describe('WinRM encryption framing', () => {
  it('builds the body pywinrm builds', async () => {
    expect((await sealBody(MESSAGE, wrap)).equals(PYWINRM_BODY)).toBe(true);
    expect(ENCRYPTED_CONTENT_TYPE).toBe('multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"');
  });

  it('reads the body pywinrm builds, and its own', async () => {
    expect((await unsealBody(PYWINRM_BODY, unwrap)).equals(MESSAGE)).toBe(true);
    const big = Buffer.from('x--Encrypted Boundary'.repeat(5000));
    expect((await unsealBody(await sealBody(big, wrap), unwrap)).equals(big)).toBe(true);
  });

  it('refuses a part whose length does not match, and a body with no part', async () => {
    const bad = Buffer.from(PYWINRM_BODY.toString('latin1').replace('Length=27', 'Length=26'), 'latin1');
    await expect(unsealBody(bad, unwrap)).rejects.toThrow(/length/);
    await expect(unsealBody(Buffer.from('<s:Envelope/>'), unwrap)).rejects.toThrow(/boundary/);
  });

  it('knows a sealed response by its content type', () => {
    expect(isSealed(ENCRYPTED_CONTENT_TYPE)).toBe(true);
    expect(isSealed('application/soap+xml;charset=UTF-8')).toBe(false);
    expect(isSealed(undefined)).toBe(false);
  });
});
