#!/usr/bin/python3
"""pywinrm (Debian's python3-winrm) against a WinRM endpoint: one scenario per call, JSON out.

  pywinrm_client.py '{"scenario": "run_ps", "endpoint": "...", "transport": "ntlm", ...}'

Scenarios: run_cmd, run_ps, stdin (a big stdin in Send chunks), terminate (Signal a long command),
delete (Delete a shell with a running command), envelope (one Send above MaxEnvelopeSizekb),
raw (one request as given, no encryption: for refusals). pywinrm 0.3.0 has no Send: the stdin
scenarios build it as pywinrm 0.4's send_command_input does, and send it through pywinrm's own
transport (auth, encryption). The password comes on stdin, never on the command line.
"""
import base64
import hashlib
import json
import sys
import time

import requests
import winrm
import xmltodict
from winrm.protocol import Protocol

SHELL_URI = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd'


def protocol(o, password):
    return Protocol(o['endpoint'], transport=o.get('transport', 'ntlm'), username=o['user'], password=password,
                    message_encryption=o.get('encryption', 'auto'), ca_trust_path=o.get('ca'),
                    server_cert_validation='validate', operation_timeout_sec=o.get('operation_timeout', 20),
                    read_timeout_sec=o.get('operation_timeout', 20) + 10)


def send(p, shell_id, command_id, data, end):
    req = {'env:Envelope': p._get_soap_header(resource_uri=SHELL_URI, action='http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send',
                                              shell_id=shell_id)}
    stream = req['env:Envelope'].setdefault('env:Body', {}).setdefault('rsp:Send', {}).setdefault('rsp:Stream', {})
    stream['@Name'] = 'stdin'
    stream['@CommandId'] = command_id
    if end:
        stream['@End'] = 'true'
    stream['#text'] = base64.b64encode(data).decode('ascii')
    p.send_message(xmltodict.unparse(req))


def encoded(script):
    return base64.b64encode(script.encode('utf-16-le')).decode('ascii')


def text(b):
    return b.decode('utf-8', 'replace')


def scenario_session(o, password, kind):
    s = winrm.Session(o['endpoint'], auth=(o['user'], password), transport=o.get('transport', 'ntlm'),
                      message_encryption=o.get('encryption', 'auto'), ca_trust_path=o.get('ca'), server_cert_validation='validate')
    r = s.run_ps(o['script']) if kind == 'run_ps' else s.run_cmd(o['command'], o.get('args', []))
    return {'status': r.status_code, 'stdout': text(r.std_out), 'stderr': text(r.std_err) if isinstance(r.std_err, bytes) else r.std_err}


def scenario_stdin(o, password):
    p = protocol(o, password)
    shell = p.open_shell()
    script = ('$t = [Console]::In.ReadToEnd(); $b = [Text.Encoding]::UTF8.GetBytes($t); '
              '$h = [BitConverter]::ToString([Security.Cryptography.SHA256]::Create().ComputeHash($b)).Replace("-", "").ToLower(); '
              'Write-Output "$($b.Length) $h"')
    cmd = p.run_command(shell, 'powershell.exe', ['-NoProfile', '-NonInteractive', '-EncodedCommand', encoded(script)], console_mode_stdin=False)
    data = b''.join(b'line %06d of the stdin of a WinRS command\n' % i for i in range(o.get('lines', 20000)))
    chunk = o.get('chunk', 100000)
    pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)]
    for i, piece in enumerate(pieces):
        send(p, shell, cmd, piece, i == len(pieces) - 1)
    out, err, code = p.get_command_output(shell, cmd)
    p.cleanup_command(shell, cmd)
    p.close_shell(shell)
    return {'status': code, 'stdout': text(out), 'stderr': text(err), 'sent': len(data), 'chunks': len(pieces),
            'sha256': hashlib.sha256(data).hexdigest()}


def scenario_terminate(o, password):
    """Starts o.command, waits for its first output, then Signal terminate; a Receive after it."""
    p = protocol(o, password)
    shell = p.open_shell()
    cmd = p.run_command(shell, o['command'])
    first = p._raw_get_command_output(shell, cmd)
    t0 = time.monotonic()
    p.cleanup_command(shell, cmd)
    took = time.monotonic() - t0
    after = None
    try:
        p._raw_get_command_output(shell, cmd)
    except winrm.exceptions.WinRMError as e:
        after = str(e)
    p.close_shell(shell)
    return {'first': text(first[0]), 'signal_seconds': took, 'receive_after': after}


def signal(p, shell_id, command_id, code):
    req = {'env:Envelope': p._get_soap_header(resource_uri=SHELL_URI, action='http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Signal',
                                              shell_id=shell_id)}
    sig = req['env:Envelope'].setdefault('env:Body', {}).setdefault('rsp:Signal', {})
    sig['@CommandId'] = command_id
    sig['rsp:Code'] = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/' + code
    p.send_message(xmltodict.unparse(req))


def scenario_ctrl_c(o, password):
    """Starts o.command, waits for its first output, sends ctrl_c, then reads it to its end."""
    p = protocol(o, password)
    shell = p.open_shell()
    cmd = p.run_command(shell, o['command'])
    first = p._raw_get_command_output(shell, cmd)
    signal(p, shell, cmd, 'ctrl_c')
    out, err, code = p.get_command_output(shell, cmd)
    p.cleanup_command(shell, cmd)
    p.close_shell(shell)
    return {'first': text(first[0]), 'stdout': text(out), 'status': code}


def scenario_receive_timeout(o, password):
    """One Receive with a short OperationTimeout on a quiet command: WinRMOperationTimeoutError (w:TimedOut)."""
    p = protocol(o, password)
    shell = p.open_shell()
    cmd = p.run_command(shell, o['command'])
    t0 = time.monotonic()
    try:
        p._raw_get_command_output(shell, cmd)
        timed_out = False
    except winrm.exceptions.WinRMOperationTimeoutError:
        timed_out = True
    waited = time.monotonic() - t0
    out, _, code = p.get_command_output(shell, cmd)
    p.cleanup_command(shell, cmd)
    p.close_shell(shell)
    return {'timed_out': timed_out, 'waited': waited, 'stdout': text(out), 'status': code}


def scenario_soap(o, password):
    """One envelope given as header fields through pywinrm's transport (encrypted when asked)."""
    p = protocol(o, password)
    req = {'env:Envelope': p._get_soap_header(resource_uri=o['resource_uri'], action=o['action'], shell_id=o.get('shell_id'))}
    req['env:Envelope'].setdefault('env:Body', {})
    try:
        return {'response': p.send_message(xmltodict.unparse(req)).decode('utf-8')}
    except winrm.exceptions.WinRMError as e:
        return {'fault': str(e)}


def scenario_delete(o, password):
    p = protocol(o, password)
    shell = p.open_shell()
    p.run_command(shell, o['command'])
    p.close_shell(shell)
    try:
        p.run_command(shell, 'echo again')
        after = None
    except winrm.exceptions.WinRMError as e:
        after = str(e)
    return {'command_after_delete': after}


def scenario_envelope(o, password):
    p = protocol(o, password)
    shell = p.open_shell()
    cmd = p.run_command(shell, 'powershell -NoProfile -EncodedCommand %s' % encoded('[Console]::In.ReadToEnd().Length'), console_mode_stdin=False)
    result = {}
    try:
        send(p, shell, cmd, b'x' * o['bytes'], True)
        result['sent'] = True
    except winrm.exceptions.WinRMTransportError as e:
        result['http_status'] = e.code
    p.cleanup_command(shell, cmd)
    p.close_shell(shell)
    return result


def scenario_raw(o, password):
    """One POST as given (auth: none, basic or ntlm without encryption): the HTTP status and headers."""
    sess = requests.Session()
    if o.get('auth') == 'basic':
        sess.auth = requests.auth.HTTPBasicAuth(o['user'], password)
    elif o.get('auth') == 'ntlm':
        from requests_ntlm import HttpNtlmAuth
        sess.auth = HttpNtlmAuth(o['user'], password)
    headers = {'Content-Type': 'application/soap+xml;charset=UTF-8'}
    headers.update(o.get('headers', {}))
    r = sess.post(o['endpoint'], data=o.get('body', '').encode('utf-8'), headers=headers, timeout=30, verify=o.get('ca') or True)
    return {'http_status': r.status_code, 'www_authenticate': r.headers.get('WWW-Authenticate'), 'body': r.text}


SCENARIOS = {'stdin': scenario_stdin, 'terminate': scenario_terminate, 'ctrl_c': scenario_ctrl_c, 'delete': scenario_delete,
             'envelope': scenario_envelope, 'receive_timeout': scenario_receive_timeout, 'soap': scenario_soap, 'raw': scenario_raw}


def main():
    o = json.loads(sys.argv[1])
    password = sys.stdin.readline().rstrip('\n')
    kind = o['scenario']
    try:
        if kind in ('run_ps', 'run_cmd'):
            res = scenario_session(o, password, kind)
        else:
            res = SCENARIOS[kind](o, password)
    except winrm.exceptions.InvalidCredentialsError as e:
        res = {'error': 'InvalidCredentialsError', 'message': str(e)}
    except (winrm.exceptions.WinRMError, winrm.exceptions.WinRMTransportError) as e:
        res = {'error': type(e).__name__, 'message': str(e)}
    except requests.exceptions.SSLError as e:
        res = {'error': 'SSLError', 'message': str(e)}
    print(json.dumps(res))


if __name__ == '__main__':
    main()
