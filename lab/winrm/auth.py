"""Authentication and message encryption of the endpoint — none of it written here.

NTLM (raw NTLMSSP or SPNEGO-wrapped, in `Authorization: Negotiate`) is accepted by MIT GSSAPI with
Debian's gss-ntlmssp mechanism, which reads the accounts from $NTLM_USER_FILE (`DOMAIN:user:password`
lines). Sealing and signing of WinRM messages (MS-WSMV 2.2.9.1.1) are gss_wrap/gss_unwrap of that
context: gss-ntlmssp's wrap token is the 16-byte NTLM signature followed by the sealed data, which
is exactly the "signature, sealed body" pair of the multipart/encrypted framing.
Basic compares the password with the same file (constant-time), and only over TLS.
"""
import hmac
import re
import struct

PROTOCOL = 'application/HTTP-SPNEGO-session-encrypted'
BOUNDARY = b'--Encrypted Boundary'
CONTENT_TYPE = 'multipart/encrypted;protocol="%s";boundary="Encrypted Boundary"' % PROTOCOL


class AuthError(Exception):
    pass


class BadMessage(Exception):
    pass


def load_users(path):
    """[(domain, user, password)] from a `DOMAIN:user:password` file (Heimdal's NTLM format)."""
    users = []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\r\n')
            if not line or line.startswith('#'):
                continue
            parts = line.split(':', 2)
            if len(parts) != 3 or not parts[1]:
                raise ValueError('%s line %d: expected DOMAIN:user:password' % (path, n))
            users.append(tuple(parts))
    if not users:
        raise ValueError('%s: no account (lines DOMAIN:user:password)' % path)
    return users


def check_basic(users, login, password):
    """The account name when `login` (user, DOMAIN\\user or user@domain) has this password, else None."""
    domain, user = None, login
    if '\\' in login:
        domain, user = login.split('\\', 1)
    elif '@' in login:
        user, domain = login.split('@', 1)
    found = None
    for d, u, p in users:
        if u.lower() == user.lower() and (domain is None or d.lower() == domain.lower() or domain == '.'):
            if hmac.compare_digest(p.encode('utf-8'), password.encode('utf-8')):
                found = u
    return found


class Negotiate:
    """One connection's GSSAPI acceptor context (NTLM via gss-ntlmssp, raw or inside SPNEGO)."""

    def __init__(self, channel_bindings=None):
        import gssapi  # python3-gssapi; imported here so --help works without it
        self._gssapi = gssapi
        cb = None
        if channel_bindings:
            cb = gssapi.raw.ChannelBindings(application_data=channel_bindings)
        self.ctx = gssapi.SecurityContext(usage='accept', channel_bindings=cb)

    def step(self, token):
        """Next token for the client (or None); raises AuthError when the client is refused."""
        try:
            return self.ctx.step(token)
        except self._gssapi.exceptions.GSSError as e:
            raise AuthError(str(e).splitlines()[0]) from None

    @property
    def complete(self):
        return self.ctx.complete

    @property
    def user(self):
        return str(self.ctx.initiator_name).strip('\0 ')  # gss-ntlmssp's display name ends with a NUL

    def unwrap(self, body):
        """The SOAP envelope of a multipart/encrypted body; BadMessage when it is not one or fails to verify."""
        length, sealed = _split_encrypted(body)
        siglen = struct.unpack('<I', sealed[:4])[0]
        if siglen > len(sealed) - 4:
            raise BadMessage('signature length %d is longer than the data' % siglen)
        try:
            plain = self.ctx.unwrap(sealed[4:]).message
        except self._gssapi.exceptions.GSSError as e:
            raise BadMessage('the message does not unseal or verify: %s' % str(e).splitlines()[0]) from None
        if len(plain) != length:
            raise BadMessage('OriginalContent Length=%d but %d bytes unsealed' % (length, len(plain)))
        return plain

    def wrap(self, plain):
        token = self.ctx.wrap(plain, True).message
        sig, sealed = token[:16], token[16:]
        return b''.join([
            BOUNDARY, b'\r\n\tContent-Type: ', PROTOCOL.encode(), b'\r\n',
            b'\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=', str(len(plain)).encode(), b'\r\n',
            BOUNDARY, b'\r\n\tContent-Type: application/octet-stream\r\n',
            struct.pack('<I', len(sig)), sig, sealed, BOUNDARY, b'--\r\n',
        ])


def is_encrypted(content_type):
    ct = (content_type or '').lower()
    return ct.startswith('multipart/encrypted') and PROTOCOL.lower() in ct


def _split_encrypted(body):
    """(original length, signature-length-prefixed sealed data) of one encrypted part."""
    if not body.startswith(BOUNDARY + b'\r\n'):
        raise BadMessage('the body does not start with --Encrypted Boundary')
    second = body.find(BOUNDARY, len(BOUNDARY))
    if second < 0:
        raise BadMessage('no second MIME part')
    header = body[len(BOUNDARY):second].decode('latin-1')
    if PROTOCOL.lower() not in header.lower():
        raise BadMessage('the first part is not %s' % PROTOCOL)
    m = re.search(r'Length=(\d+)', header)
    if not m:
        raise BadMessage('OriginalContent has no Length')
    marker = b'application/octet-stream\r\n'
    start = body.find(marker, second)
    end = body.rfind(BOUNDARY + b'--')
    if start < 0 or end < 0 or end < start + len(marker) + 4:
        raise BadMessage('no application/octet-stream part')
    if body.count(BOUNDARY + b'\r\n') > 2:
        raise BadMessage('more than one encrypted message in the body (multipart/x-multi-encrypted is CredSSP only)')
    return int(m.group(1)), body[start + len(marker):end]
