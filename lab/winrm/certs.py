"""A lab CA and the endpoint's server certificate, made with the openssl command (kept when valid).

The CA (key and certificate) is made once; the server certificate is (re)made when missing, when it
does not name the wanted address and name (subjectAltName IP + DNS), or when the CA changed.
"""
import os
import subprocess
import tempfile


def _openssl(*args, stdin=None):
    r = subprocess.run(['openssl', *args], input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError('openssl %s failed: %s' % (args[0], r.stderr.strip()))
    return r.stdout


def _write_private(path):
    """Makes `path` exist empty with mode 0600 before openssl writes a key into it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)


def ensure_ca(ca_cert, ca_key):
    if os.path.exists(ca_cert) and os.path.exists(ca_key):
        return False
    for p in (ca_cert, ca_key):
        os.makedirs(os.path.dirname(os.path.abspath(p)), exist_ok=True)
    _write_private(ca_key)
    _openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
             '-subj', '/CN=lvs-play lab WinRM CA', '-keyout', ca_key, '-out', ca_cert,
             '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    os.chmod(ca_cert, 0o644)
    return True


def _cert_ok(cert, ca_cert, address, name):
    if not os.path.exists(cert):
        return False
    r = subprocess.run(['openssl', 'verify', '-CAfile', ca_cert, cert], capture_output=True, text=True)
    if r.returncode != 0:
        return False
    text = _openssl('x509', '-in', cert, '-noout', '-ext', 'subjectAltName')
    return ('IP Address:%s' % address) in text and ('DNS:%s' % name) in text


def ensure_server_cert(cert, key, ca_cert, ca_key, address, name):
    """Returns True when it (re)made the certificate."""
    if _cert_ok(cert, ca_cert, address, name) and os.path.exists(key):
        return False
    os.makedirs(os.path.dirname(os.path.abspath(cert)), exist_ok=True)
    _write_private(key)
    with tempfile.TemporaryDirectory() as tmp:
        csr = os.path.join(tmp, 'server.csr')
        ext = os.path.join(tmp, 'ext.cnf')
        with open(ext, 'w') as f:
            f.write('subjectAltName=IP:%s,DNS:%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n'
                    'basicConstraints=CA:FALSE\n' % (address, name))
        _openssl('req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', '/CN=%s' % name, '-keyout', key, '-out', csr)
        _openssl('x509', '-req', '-in', csr, '-CA', ca_cert, '-CAkey', ca_key, '-set_serial',
                 str(int.from_bytes(os.urandom(8), 'big')), '-days', '825', '-sha256', '-extfile', ext, '-out', cert)
    os.chmod(cert, 0o644)
    return True
