#!/usr/bin/python3
"""A WinRM (WS-Management WinRS) endpoint for the lvs-play lab — test infrastructure, not a product.

  python3 lab/winrm/server.py --listen 127.0.0.1:5985 [--tls-listen 127.0.0.1:5986 --cert C --key K]
                              --user-file USERS [--pwsh ARGV] [--exec-prefix ARGV] [--env K=V ...]
  python3 lab/winrm/server.py --make-certs --ca-cert CA.pem --ca-key CA.key --cert C --key K
                              --cert-address 10.77.0.18 --cert-name win1

See lab/winrm/README.md. HTTP: Negotiate (NTLM, gss-ntlmssp) and only encrypted bodies; HTTPS:
Negotiate or Basic. Runs `powershell … -EncodedCommand …` with pwsh, anything else with /bin/sh -c.
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # no __pycache__ inside the package
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import auth  # noqa: E402
import certs  # noqa: E402
import winrs  # noqa: E402
import wsman  # noqa: E402
from shells import Shells  # noqa: E402

MAX_HTTP_BODY = 8 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'Microsoft-HTTPAPI/2.0'
    sys_version = ''
    timeout = 120  # an idle keep-alive connection is closed (http.sys: IdleConnectionTimeout 120 s)

    def setup(self):
        self.tls = self.server.tls_ctx is not None
        if self.tls:
            self.request.settimeout(30)
            self.request = self.server.tls_ctx.wrap_socket(self.request, server_side=True)
            self.request.settimeout(None)
        super().setup()
        self.nego = None

    def handle(self):
        try:
            super().handle()
        except (ssl.SSLError, ConnectionError, OSError) as e:
            self.log_message('connection ended: %s', e)

    def log_message(self, fmt, *args):
        sys.stderr.write('%s %s %s\n' % (time.strftime('%Y-%m-%dT%H:%M:%S'), self.address_string(), fmt % args))

    def _reply(self, status, body=b'', headers=(), close=False):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        if close:
            self.send_header('Connection', 'close')
            self.close_connection = True
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _unauthorized(self, scheme='Negotiate', token=None):
        if token:
            hdrs = [('WWW-Authenticate', '%s %s' % (scheme, base64.b64encode(token).decode('ascii')))]
        else:
            hdrs = [('WWW-Authenticate', 'Negotiate')]
            if self.tls:
                hdrs.append(('WWW-Authenticate', 'Basic realm="WSMAN"'))
        self._reply(401, headers=hdrs)

    def do_GET(self):
        self._reply(405, headers=[('Allow', 'POST')])

    def do_POST(self):
        if self.path.split('?')[0].rstrip('/').lower() != '/wsman':
            return self._reply(404, close=True)
        length = self.headers.get('Content-Length')
        if length is None or not length.isdigit():
            return self._reply(411, close=True)
        if int(length) > MAX_HTTP_BODY:
            return self._reply(413, close=True)
        body = self.rfile.read(int(length))
        user, final_token = self._authenticate(body)
        if user is None:
            return
        encrypted = auth.is_encrypted(self.headers.get('Content-Type'))
        if encrypted:
            if self.nego is None or not self.nego.complete:
                return self._reply(400)
            try:
                plain = self.nego.unwrap(body)
            except auth.BadMessage as e:
                self.log_message('refused an encrypted message: %s', e)
                return self._reply(400)
        else:
            plain = body
            if plain and not self.tls:
                # AllowUnencrypted=false (the default): over HTTP only sealed messages are taken.
                self.log_message('refused an unencrypted message over HTTP from %s', user)
                self.nego = None
                return self._unauthorized()
        hdrs = [('WWW-Authenticate', 'Negotiate %s' % base64.b64encode(final_token).decode('ascii'))] if final_token else []
        if not plain:
            return self._reply(200, headers=hdrs)  # authentication only (pywinrm's encryption setup)
        if len(plain) > self.server.cfg.max_envelope:
            self.log_message('envelope of %d bytes > MaxEnvelopeSizekb %d', len(plain), self.server.cfg.max_envelope // 1024)
            return self._reply(413, headers=hdrs)
        status, xml = self._soap(plain, user)
        out = xml.encode('utf-8')
        if encrypted:
            self._reply(status, self.nego.wrap(out), hdrs + [('Content-Type', auth.CONTENT_TYPE)])
        else:
            self._reply(status, out, hdrs + [('Content-Type', 'application/soap+xml;charset=UTF-8')])

    def _authenticate(self, body):
        """(user, final Negotiate token or None); (None, None) after answering 401 itself."""
        scheme, _, value = self.headers.get('Authorization', '').partition(' ')
        s = scheme.lower()
        if s in ('negotiate', 'ntlm'):
            try:
                token = base64.b64decode(value.strip(), validate=True)
            except ValueError:
                self._unauthorized()
                return None, None
            if self.nego is None or self.nego.complete or token.startswith(b'NTLMSSP\0\x01\0\0\0') or token[:1] == b'\x60':
                self.nego = auth.Negotiate(self.server.channel_bindings)
            try:
                out = self.nego.step(token)
            except auth.AuthError as e:
                self.log_message('%s authentication refused: %s', scheme, e)
                self.nego = None
                self._unauthorized()
                return None, None
            if not self.nego.complete:
                self._unauthorized(scheme, out)
                return None, None
            self.log_message('%s authentication of %s', scheme, self.nego.user)
            return self.nego.user, out
        if s == 'basic':
            self.nego = None
            if not self.tls:
                self.log_message('refused Basic over HTTP (Basic is taken over HTTPS only)')
                self._unauthorized()
                return None, None
            try:
                # Windows reads Basic credentials in its ANSI code page (Windows-1252 on an en-US
                # server), not UTF-8: pywinrm sends Latin-1, Windows' own client the ANSI code page.
                login, _, pw = base64.b64decode(value.strip()).decode('cp1252').partition(':')
            except ValueError:
                login, pw = '', ''
            user = auth.check_basic(self.server.users, login, pw)
            if user is None:
                self.log_message('Basic authentication refused')
                self._unauthorized()
                return None, None
            return user, None
        if scheme:
            self._unauthorized()
            return None, None
        if self.nego is not None and self.nego.complete:
            return self.nego.user, None
        if self.headers.get('WSMANIDENTIFY', '').lower() == 'unauthenticated' and b'Identify' in body:
            self._reply(200, self._soap(body, None)[1].encode('utf-8'), [('Content-Type', 'application/soap+xml;charset=UTF-8')])
            return None, None
        self._unauthorized()
        return None, None

    def _soap(self, plain, user):
        cfg = self.server.cfg
        req = None
        try:
            req = wsman.Request(plain)
            if req.is_identify():
                return 200, wsman.identify_envelope(cfg.product_version)
            if user is None:
                raise wsman.Fault('w:AccessDenied', 'Access is denied. ', code=5)
            host = self.headers.get('Host') or '%s:%d' % self.server.server_address[:2]
            address = '%s://%s/wsman' % ('https' if self.tls else 'http', host)
            action, body = winrs.handle(req, self.server.shells, user, address)
            return 200, wsman.envelope(action, req.message_id, body)
        except wsman.Fault as f:
            if f.subcode != 'w:TimedOut':
                self.log_message('fault %s: %s', f.subcode, f.message)
            return 500, wsman.fault_envelope(f, req.message_id if req else None, cfg.machine)
        except Exception as e:  # a bug here: still a SOAP fault, and the connection stays usable
            self.log_message('internal error: %r', e)
            f = wsman.Fault('w:InternalError', 'The WS-Management service cannot process the request. ', sender=False, code=2147500037,
                            message='Internal error of the lab endpoint: %s' % type(e).__name__)
            return 500, wsman.fault_envelope(f, req.message_id if req else None, cfg.machine)


def channel_bindings(cert_file):
    """RFC 5929 tls-server-end-point of our certificate (SHA-256: our certificates are signed with it)."""
    with open(cert_file) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    return b'tls-server-end-point:' + hashlib.sha256(der).digest()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # e.g. a TLS handshake the client gave up (it did not trust the certificate): one line, no traceback
        sys.stderr.write('%s %s connection failed: %s\n' % (time.strftime('%Y-%m-%dT%H:%M:%S'), client_address[0], sys.exc_info()[1]))


def make_server(listen, cfg, shells, users, tls_ctx=None, cb=None):
    host, _, port = listen.rpartition(':')
    srv = Server((host, int(port)), Handler)
    srv.cfg, srv.shells, srv.users, srv.tls_ctx, srv.channel_bindings = cfg, shells, users, tls_ctx, cb
    return srv


def default_pwsh():
    p = shutil.which('pwsh') or os.path.expanduser('~/.dotnet/tools/pwsh')
    return [p]


def argv_option(s):
    """An argv given as a JSON array, or a single program path."""
    if s.startswith('['):
        v = json.loads(s)
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise argparse.ArgumentTypeError('expected a JSON array of strings')
        return v
    return [s]


def parse_args(argv):
    p = argparse.ArgumentParser(description='WinRM (WinRS) endpoint of the lvs-play lab')
    p.add_argument('--listen', help='HTTP address:port (NTLM with message encryption)')
    p.add_argument('--tls-listen', help='HTTPS address:port (Negotiate or Basic)')
    p.add_argument('--cert', help='server certificate (PEM)')
    p.add_argument('--key', help='its private key (PEM)')
    p.add_argument('--user-file', help='accounts, lines DOMAIN:user:password (read by gss-ntlmssp and for Basic)')
    p.add_argument('--pwsh', type=argv_option, default=None, help='argv prefix running PowerShell (JSON array or path)')
    p.add_argument('--sh', type=argv_option, default=['/bin/sh', '-c'], help='argv prefix running other command lines')
    p.add_argument('--exec-prefix', type=argv_option, default=[], help='argv put before every command (e.g. nsenter into a lab host)')
    p.add_argument('--env', action='append', default=[], help='K=V for the commands (repeatable)')
    p.add_argument('--machine-name', default=os.uname().nodename)
    p.add_argument('--max-envelope-kb', type=int, default=150, help='MaxEnvelopeSizekb (150 as on 2008 R2)')
    p.add_argument('--product-version', default='OS: 6.1.7601 SP: 1.0 Stack: 2.0')
    p.add_argument('--no-channel-binding', action='store_true', help='do not check the client\'s channel binding over HTTPS')
    p.add_argument('--make-certs', action='store_true', help='make the CA and the server certificate, then exit')
    p.add_argument('--ca-cert')
    p.add_argument('--ca-key')
    p.add_argument('--cert-address')
    p.add_argument('--cert-name')
    a = p.parse_args(argv)
    if a.make_certs:
        if not all([a.ca_cert, a.ca_key, a.cert, a.key, a.cert_address, a.cert_name]):
            p.error('--make-certs needs --ca-cert --ca-key --cert --key --cert-address --cert-name')
    else:
        if not a.listen and not a.tls_listen:
            p.error('give --listen and/or --tls-listen')
        if not a.user_file:
            p.error('--user-file is required')
        if a.tls_listen and not (a.cert and a.key):
            p.error('--tls-listen needs --cert and --key')
    return a


def base_env(extra):
    env = {'PATH': '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME': os.environ.get('HOME', '/root'),
           'LANG': 'C.UTF-8', 'TERM': 'dumb'}
    for kv in extra:
        k, _, v = kv.partition('=')
        env[k] = v
    return env


def serve(a):
    users = auth.load_users(a.user_file)
    os.environ['NTLM_USER_FILE'] = os.path.abspath(a.user_file)  # gss-ntlmssp reads it from here
    import gssapi  # noqa: F401  fail now, not at the first client, when python3-gssapi is missing
    shells = Shells(a.pwsh or default_pwsh(), a.sh, a.exec_prefix, base_env(a.env))
    cfg = argparse.Namespace(max_envelope=a.max_envelope_kb * 1024, machine=a.machine_name, product_version=a.product_version)
    servers = []
    if a.listen:
        servers.append(make_server(a.listen, cfg, shells, users))
    if a.tls_listen:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        cb = None if a.no_channel_binding else channel_bindings(a.cert)
        servers.append(make_server(a.tls_listen, cfg, shells, users, ctx, cb))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print('winrm: listening on %s' % ', '.join('%s:%d' % s.server_address[:2] for s in servers), file=sys.stderr, flush=True)
    stop.wait()
    for s in servers:
        s.shutdown()
    shells.close_all()


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if a.make_certs:
        certs.ensure_ca(a.ca_cert, a.ca_key)
        made = certs.ensure_server_cert(a.cert, a.key, a.ca_cert, a.ca_key, a.cert_address, a.cert_name)
        print('winrm: certificate %s %s' % (a.cert, 'made' if made else 'kept'))
        return 0
    try:
        serve(a)
    except (OSError, ValueError, ImportError) as e:
        print('winrm: %s' % e, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
