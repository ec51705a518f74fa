/**
 * WinRM message encryption over HTTP (MS-WSMV 2.2.9.1.1, what pywinrm's encryption.py frames):
 *
 *   Content-Type: multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"
 *   --Encrypted Boundary\r\n
 *   \tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n
 *   \tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=N\r\n
 *   --Encrypted Boundary\r\n
 *   \tContent-Type: application/octet-stream\r\n
 *   <uint32 LE signature length><signature><sealed SOAP>--Encrypted Boundary--\r\n
 *
 * The sealing itself is the NTLM helper's (`wrap` gives signature + sealed, `unwrap` takes them):
 * this module only frames. Pure apart from the two functions it is handed.
 */

export const SPNEGO_PROTOCOL = 'application/HTTP-SPNEGO-session-encrypted';
export const ENCRYPTED_CONTENT_TYPE = `multipart/encrypted;protocol="${SPNEGO_PROTOCOL}";boundary="Encrypted Boundary"`;
const BOUNDARY = '--Encrypted Boundary';
const SIGNATURE_LENGTH = 16;

export type Seal = (plain: Buffer) => Promise<Buffer>;

/** The encrypted body of one SOAP message. */
export async function sealBody(soap: Buffer, wrap: Seal): Promise<Buffer> {
  const sealed = await wrap(soap);
  if (sealed.length < SIGNATURE_LENGTH) throw new Error('the NTLM helper returned no signature');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(SIGNATURE_LENGTH);
  return Buffer.concat([
    Buffer.from(
      `${BOUNDARY}\r\n\tContent-Type: ${SPNEGO_PROTOCOL}\r\n` +
        `\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${soap.length}\r\n` +
        `${BOUNDARY}\r\n\tContent-Type: application/octet-stream\r\n`,
    ),
    len,
    sealed,
    Buffer.from(`${BOUNDARY}--\r\n`),
  ]);
}

/** Whether a response's Content-Type says it is sealed. */
export function isSealed(contentType: string | undefined): boolean {
  return (contentType ?? '').includes(SPNEGO_PROTOCOL);
}

/** The SOAP text of an encrypted body (each part unsealed and its length checked). */
export async function unsealBody(body: Buffer, unwrap: Seal): Promise<Buffer> {
  const sep = Buffer.from(`${BOUNDARY}\r\n`);
  const octet = Buffer.from('Content-Type: application/octet-stream\r\n');
  const out: Buffer[] = [];
  let at = body.indexOf(sep);
  if (at < 0) throw new Error('an encrypted response without its MIME boundary');
  while (at >= 0) {
    const headStart = at + sep.length;
    const dataSep = body.indexOf(sep, headStart);
    if (dataSep < 0) break;
    const head = body.subarray(headStart, dataSep).toString('latin1');
    const m = /Length=(\d+)/.exec(head);
    if (!m) throw new Error('an encrypted part without its OriginalContent length');
    const o = body.indexOf(octet, dataSep);
    if (o < 0) throw new Error('an encrypted part without its octet-stream');
    const start = o + octet.length;
    if (start + 4 > body.length) throw new Error('an encrypted part cut short');
    const sigLen = body.readUInt32LE(start);
    // NTLM seals with a stream cipher: the sealed text is exactly as long as the original
    const exact = start + 4 + sigLen + Number(m[1]);
    const next = body.subarray(exact, exact + BOUNDARY.length).toString('latin1') === BOUNDARY ? exact : body.indexOf(Buffer.from(BOUNDARY), start + 4 + sigLen);
    const part = body.subarray(start + 4, next < 0 ? body.length : next);
    if (sigLen > part.length) throw new Error('an encrypted part shorter than its signature');
    const plain = await unwrap(part);
    if (plain.length !== Number(m[1])) throw new Error('an encrypted part whose length does not match its header (tampered with?)');
    out.push(plain);
    at = next < 0 ? -1 : body.indexOf(sep, next);
  }
  if (out.length === 0) throw new Error('an encrypted response with no encrypted part');
  return Buffer.concat(out);
}
