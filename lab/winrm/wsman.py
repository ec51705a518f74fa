"""WS-Management envelopes of the WinRS endpoint: reading a request, writing responses and faults.

Namespaces and element names follow MS-WSMV / MS-WINRS as Windows answers them (and as pywinrm's
winrm/protocol.py reads them). Only what the cmd shell resource needs is here.
"""
import re
import uuid
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

NS = {
    's': 'http://www.w3.org/2003/05/soap-envelope',
    'a': 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
    'w': 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
    'p': 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
    'x': 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
    'rsp': 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
    'f': 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault',
    'wsmid': 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
}
SHELL_URI = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd'
SHELL = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell'
TRANSFER = 'http://schemas.xmlsoap.org/ws/2004/09/transfer'
ACTIONS = {
    'create': TRANSFER + '/Create',
    'delete': TRANSFER + '/Delete',
    'command': SHELL + '/Command',
    'send': SHELL + '/Send',
    'receive': SHELL + '/Receive',
    'signal': SHELL + '/Signal',
}
SIGNAL_TERMINATE = SHELL + '/signal/terminate'
SIGNAL_CTRL_C = SHELL + '/signal/ctrl_c'
SIGNAL_CTRL_BREAK = SHELL + '/signal/ctrl_break'
STATE_DONE = SHELL + '/CommandState/Done'
STATE_RUNNING = SHELL + '/CommandState/Running'
ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous'
FAULT_ACTION = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault'
ADDRESSING_FAULT_ACTION = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault'


class Fault(Exception):
    """A SOAP fault answered with HTTP 500 (MS-WSMV 3.1.4: WS-Management faults use 500)."""

    def __init__(self, subcode, reason, code=None, message=None, sender=True, detail=None, addressing=False):
        super().__init__(reason)
        self.subcode = subcode
        self.reason = reason
        self.code = code
        self.message = message or reason
        self.sender = sender
        self.detail = detail
        self.addressing = addressing


def _q(prefix, name):
    return '{%s}%s' % (NS[prefix], name)


class Request:
    """The parts of a WS-Management request the endpoint uses."""

    def __init__(self, xml_bytes):
        try:
            self.root = ET.fromstring(xml_bytes)
        except ET.ParseError as e:
            raise Fault('w:SchemaValidationError', 'The SOAP XML in the message does not match the corresponding XML schema definition.',
                        code=2150858817, message='The request is not well-formed XML: %s' % e)
        if self.root.tag != _q('s', 'Envelope'):
            raise Fault('w:SchemaValidationError', 'The SOAP XML in the message does not match the corresponding XML schema definition.',
                        code=2150858817, message='The request is not a SOAP 1.2 envelope.')
        self.header = self.root.find('s:Header', NS)
        self.body = self.root.find('s:Body', NS)
        self.action = self._text('a:Action')
        self.message_id = self._text('a:MessageID')
        self.resource_uri = self._text('w:ResourceURI')
        self.operation_timeout = parse_duration(self._text('w:OperationTimeout'))
        self.max_envelope = _int(self._text('w:MaxEnvelopeSize'))
        self.selectors = {s.get('Name'): (s.text or '') for s in self._all('w:SelectorSet/w:Selector')}
        self.options = {o.get('Name'): (o.text or '') for o in self._all('w:OptionSet/w:Option')}

    def _text(self, path):
        el = self.header.find(path, NS) if self.header is not None else None
        return (el.text or '').strip() if el is not None else None

    def _all(self, path):
        return self.header.findall(path, NS) if self.header is not None else []

    def body_el(self, path):
        return self.body.find(path, NS) if self.body is not None else None

    def is_identify(self):
        return self.body_el('wsmid:Identify') is not None


def _int(s):
    try:
        return int(s) if s else None
    except ValueError:
        return None


def parse_duration(s):
    """xs:duration like PT20S or PT20.000S to seconds (None when absent or not understood)."""
    m = re.fullmatch(r'P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?', s or '')
    if not s or not m:
        return None
    d, h, mi, sec = m.groups()
    return int(d or 0) * 86400 + int(h or 0) * 3600 + int(mi or 0) * 60 + float(sec or 0)


def envelope(action, relates_to, body, extra_header=''):
    """A response envelope, with the prefixes Windows uses."""
    return (
        '<s:Envelope xml:lang="en-US" xmlns:s="%s" xmlns:a="%s" xmlns:x="%s" xmlns:w="%s" xmlns:rsp="%s" xmlns:p="%s">'
        '<s:Header><a:Action>%s</a:Action><a:MessageID>uuid:%s</a:MessageID><a:To>%s</a:To>%s%s</s:Header>'
        '<s:Body>%s</s:Body></s:Envelope>'
    ) % (NS['s'], NS['a'], NS['x'], NS['w'], NS['rsp'], NS['p'], escape(action), str(uuid.uuid4()).upper(), ANONYMOUS,
         '<a:RelatesTo>%s</a:RelatesTo>' % escape(relates_to) if relates_to else '', extra_header, body)


def fault_envelope(fault, relates_to, machine):
    code = 's:Sender' if fault.sender else 's:Receiver'
    detail = ''
    if fault.code is not None:
        detail = '<f:WSManFault xmlns:f="%s" Code="%d" Machine="%s"><f:Message>%s</f:Message></f:WSManFault>' % (
            NS['f'], fault.code, escape(machine), escape(fault.message))
    if fault.detail:
        detail += '<w:FaultDetail>%s</w:FaultDetail>' % escape(fault.detail)
    body = ('<s:Fault><s:Code><s:Value>%s</s:Value><s:Subcode><s:Value>%s</s:Value></s:Subcode></s:Code>'
            '<s:Reason><s:Text xml:lang="en-US">%s</s:Text></s:Reason>%s</s:Fault>') % (
        code, escape(fault.subcode), escape(fault.reason), '<s:Detail>%s</s:Detail>' % detail if detail else '')
    return envelope(ADDRESSING_FAULT_ACTION if fault.addressing else FAULT_ACTION, relates_to, body)


def resource_created(address, shell_id):
    return ('<x:ResourceCreated><a:Address>%s</a:Address><a:ReferenceParameters><w:ResourceURI>%s</w:ResourceURI>'
            '<w:SelectorSet><w:Selector Name="ShellId">%s</w:Selector></w:SelectorSet></a:ReferenceParameters>'
            '</x:ResourceCreated>') % (escape(address), SHELL_URI, escape(shell_id))


def command_response(command_id):
    return '<rsp:CommandResponse><rsp:CommandId>%s</rsp:CommandId></rsp:CommandResponse>' % escape(command_id)


def receive_response(command_id, chunks, done, exit_code, sequence):
    """chunks: [(stream name, base64 text, end)]; done with exit_code, or Running."""
    streams = ''.join('<rsp:Stream Name="%s" CommandId="%s"%s>%s</rsp:Stream>' % (
        name, command_id, ' End="true"' if end else '', data) for name, data, end in chunks)
    if done:
        state = '<rsp:CommandState CommandId="%s" State="%s"><rsp:ExitCode>%d</rsp:ExitCode></rsp:CommandState>' % (
            command_id, STATE_DONE, exit_code)
    else:
        state = '<rsp:CommandState CommandId="%s" State="%s"/>' % (command_id, STATE_RUNNING)
    return '<rsp:ReceiveResponse SequenceID="%d">%s%s</rsp:ReceiveResponse>' % (sequence, streams, state)


def identify_response(vendor_version):
    return ('<wsmid:IdentifyResponse xmlns:wsmid="%s"><wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd'
            '</wsmid:ProtocolVersion><wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>'
            '<wsmid:ProductVersion>%s</wsmid:ProductVersion></wsmid:IdentifyResponse>') % (NS['wsmid'], escape(vendor_version))


def identify_envelope(vendor_version):
    """Identify answers carry no addressing header (wsmid is outside WS-Addressing)."""
    return '<s:Envelope xmlns:s="%s"><s:Header/><s:Body>%s</s:Body></s:Envelope>' % (NS['s'], identify_response(vendor_version))
