"""The WinRS operations on the cmd shell resource: Create, Command, Send, Receive, Signal, Delete."""
import base64

import wsman
from wsman import NS, Fault

# Receive answers at most this many output bytes (base64 grows them by 4/3; the rest of the
# envelope stays far below the client's MaxEnvelopeSize).
ENVELOPE_OVERHEAD = 4096
DEFAULT_TIMEOUT = 60.0


def _shell_id(req):
    sid = req.selectors.get('ShellId')
    if not sid:
        raise Fault('w:InvalidSelectors', 'The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ',
                    code=2150858843, message='The request did not name a ShellId selector.')
    return sid


def _truthy(s):
    return (s or '').strip().upper() == 'TRUE'


def handle(req, shells, user, address):
    """(action of the response, response body XML) for a WinRS request of `user`."""
    if req.resource_uri != wsman.SHELL_URI:
        raise Fault('w:DestinationUnreachable', 'The WS-Management service cannot process the request because the resource URI is not valid or not supported. ',
                    code=2150858770, message='The resource URI %s is not served here (only %s).' % (req.resource_uri, wsman.SHELL_URI))
    a = req.action
    if a not in wsman.ACTIONS.values():
        raise Fault('a:ActionNotSupported', 'The action is not supported by the service.', code=2150858776, addressing=True,
                    message='The WS-Management service cannot process the request because the action %s is not supported for the resource %s.' % (a, wsman.SHELL_URI))
    if a == wsman.ACTIONS['create']:
        return wsman.TRANSFER + '/CreateResponse', _create(req, shells, user, address)
    if a == wsman.ACTIONS['delete']:
        shells.delete(user, _shell_id(req))
        return wsman.TRANSFER + '/DeleteResponse', ''
    shell = shells.get(user, _shell_id(req))
    if a == wsman.ACTIONS['command']:
        return wsman.SHELL + '/CommandResponse', _command(req, shells, shell)
    if a == wsman.ACTIONS['send']:
        return wsman.SHELL + '/SendResponse', _send(req, shells, shell)
    if a == wsman.ACTIONS['receive']:
        return wsman.SHELL + '/ReceiveResponse', _receive(req, shells, shell)
    if a == wsman.ACTIONS['signal']:
        sig = req.body_el('rsp:Signal')
        if sig is None:
            raise _bad_body('Signal')
        code = (sig.findtext('rsp:Code', '', NS) or '').strip()
        shells.signal(shell, sig.get('CommandId') or '', code)
        return wsman.SHELL + '/SignalResponse', '<rsp:SignalResponse/>'
    raise AssertionError(a)


def _bad_body(what):
    return Fault('w:SchemaValidationError', 'The SOAP XML in the message does not match the corresponding XML schema definition. Change the XML and retry. ',
                 code=2150858817, message='The %s request has no rsp:%s body.' % (what, what))


def _create(req, shells, user, address):
    body = req.body_el('rsp:Shell')
    if body is None:
        raise _bad_body('Shell')
    env = {}
    for v in body.findall('rsp:Environment/rsp:Variable', NS):
        if v.get('Name'):
            env[v.get('Name')] = v.text or ''
    cwd = (body.findtext('rsp:WorkingDirectory', '', NS) or '').strip()
    shell = shells.create(user, env, cwd)
    return wsman.resource_created(address, shell.id)


def _command(req, shells, shell):
    line = req.body_el('rsp:CommandLine')
    if line is None:
        raise _bad_body('CommandLine')
    command = (line.findtext('rsp:Command', '', NS) or '').strip()
    args = [a.text or '' for a in line.findall('rsp:Arguments', NS)]
    cmd = shells.run(shell, command, args, _truthy(req.options.get('WINRS_SKIP_CMD_SHELL')))
    return wsman.command_response(cmd.id)


def _send(req, shells, shell):
    send = req.body_el('rsp:Send')
    if send is None:
        raise _bad_body('Send')
    for s in send.findall('rsp:Stream', NS):
        if s.get('Name', 'stdin') != 'stdin':
            continue
        cmd = shells.command(shell, s.get('CommandId') or '')
        data = base64.b64decode((s.text or '').strip()) if (s.text or '').strip() else b''
        cmd.send(data, _truthy(s.get('End')))
    return '<rsp:SendResponse/>'


def _receive(req, shells, shell):
    rcv = req.body_el('rsp:Receive')
    ds = rcv.find('rsp:DesiredStream', NS) if rcv is not None else None
    if ds is None:
        raise _bad_body('Receive')
    cmd = shells.command(shell, ds.get('CommandId') or '')
    streams = [s for s in (ds.text or 'stdout stderr').split() if s in ('stdout', 'stderr')] or ['stdout', 'stderr']
    timeout = req.operation_timeout if req.operation_timeout else DEFAULT_TIMEOUT
    max_env = min(req.max_envelope or 153600, 512000)
    max_bytes = max((max_env - ENVELOPE_OVERHEAD) * 3 // 4, 1024)
    chunks, done, code, seq = cmd.receive(streams, timeout, max_bytes)
    return wsman.receive_response(cmd.id, chunks, done, code or 0, seq)
