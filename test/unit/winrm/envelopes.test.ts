/**
 * WinRS requests and responses: the shapes of pywinrm's protocol.py and MS-WSMV (Create, Command,
 * Send, Receive, Signal, Delete; ShellId, CommandId, streams, CommandState, faults).
 */
import { describe, expect, it } from 'vitest';
import * as env from '../../../src/transport/winrm/envelopes.js';
import { commandIdOf, describeFault, elements, faultOf, receiveOf, shellIdOf, WSMAN_TIMED_OUT } from '../../../src/transport/winrm/responses.js';

const ctx = { to: 'http://10.77.0.40:5985/wsman', operationTimeoutSec: 20, messageId: 'uuid:00000000-0000-0000-0000-000000000001' };

describe('WinRS request envelopes', () => {
  it('Create: cmd shell, stdin in, stdout/stderr out, the header pywinrm sends', () => {
    const x = env.createShell(ctx);
    expect(x).toContain('<a:Action mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Create</a:Action>');
    expect(x).toContain('<w:ResourceURI mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI>');
    expect(x).toContain('<w:MaxEnvelopeSize mustUnderstand="true">153600</w:MaxEnvelopeSize>');
    expect(x).toContain('<w:OperationTimeout>PT20S</w:OperationTimeout>');
    expect(x).toContain('<a:MessageID>uuid:00000000-0000-0000-0000-000000000001</a:MessageID>');
    expect(x).toContain('<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>');
    expect(x).toContain('<w:Option Name="WINRS_CODEPAGE">65001</w:Option>');
    expect(x).not.toContain('SelectorSet');
  });

  it('Command, Send, Receive, Signal, Delete name the shell and escape values', () => {
    const c = env.command(ctx, 'SHELL-1', 'powershell.exe', ['-EncodedCommand', 'a<b&"c']);
    expect(c).toContain('<w:Selector Name="ShellId">SHELL-1</w:Selector>');
    expect(c).toContain('<rsp:Command>powershell.exe</rsp:Command><rsp:Arguments>-EncodedCommand</rsp:Arguments><rsp:Arguments>a&lt;b&amp;&quot;c</rsp:Arguments>');
    expect(env.send(ctx, 'S', 'C', Buffer.from('hi'), true)).toContain('<rsp:Send><rsp:Stream Name="stdin" CommandId="C" End="true">aGk=</rsp:Stream></rsp:Send>');
    expect(env.send(ctx, 'S', 'C', Buffer.from('hi'), false)).not.toContain('End=');
    expect(env.receive(ctx, 'S', 'C')).toContain('<rsp:DesiredStream CommandId="C">stdout stderr</rsp:DesiredStream>');
    expect(env.signal(ctx, 'S', 'C')).toContain('<rsp:Code>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/terminate</rsp:Code>');
    expect(env.deleteShell(ctx, 'S')).toContain('transfer/Delete</a:Action>');
  });

  it('a full Send chunk stays under the 150 KB envelope', () => {
    const n = env.maxSendChunk(ctx, 'SHELL-ID-0000000000000000000000000000', 'CMD-0000000000000000000000000000000');
    expect(n).toBeGreaterThan(100_000);
    const x = env.send(ctx, 'SHELL-ID-0000000000000000000000000000', 'CMD-0000000000000000000000000000000', Buffer.alloc(n, 1), true);
    expect(Buffer.byteLength(x)).toBeLessThan(env.MAX_ENVELOPE_BYTES - 1024);
  });
});

// Response shapes as Windows sends them (MS-WSMV 4.2 examples; prefixes s:, rsp:, w:, x:).
const CREATED = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><s:Header><a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse</a:Action></s:Header><s:Body><x:ResourceCreated><a:Address>http://h:5985/wsman</a:Address><a:ReferenceParameters><w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI><w:SelectorSet><w:Selector Name="ShellId">11111111-AAAA-4000-8000-000000000001</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated><rsp:Shell><rsp:ShellId>11111111-AAAA-4000-8000-000000000001</rsp:ShellId></rsp:Shell></s:Body></s:Envelope>`;
const COMMANDED = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><s:Body><rsp:CommandResponse><rsp:CommandId>C0FFEE00-0000-0000-0000-000000000002</rsp:CommandId></rsp:CommandResponse></s:Body></s:Envelope>`;
const RUNNING = `<s:Envelope xmlns:s="x" xmlns:rsp="y"><s:Body><rsp:ReceiveResponse><rsp:Stream Name="stdout" CommandId="C0FFEE00-0000-0000-0000-000000000002">aGVs</rsp:Stream><rsp:Stream Name="stderr" CommandId="C0FFEE00-0000-0000-0000-000000000002">d2Fybg==</rsp:Stream><rsp:Stream Name="stdout" CommandId="OTHER">eHh4</rsp:Stream><rsp:CommandState CommandId="C0FFEE00-0000-0000-0000-000000000002" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Running"/></rsp:ReceiveResponse></s:Body></s:Envelope>`;
const DONE = `<s:Envelope xmlns:s="x" xmlns:rsp="y"><s:Body><rsp:ReceiveResponse><rsp:Stream Name="stdout" CommandId="c0ffee00-0000-0000-0000-000000000002">bG8=</rsp:Stream><rsp:Stream Name="stdout" CommandId="C0FFEE00-0000-0000-0000-000000000002" End="true"></rsp:Stream><rsp:Stream Name="stderr" CommandId="C0FFEE00-0000-0000-0000-000000000002" End="true"/><rsp:CommandState CommandId="C0FFEE00-0000-0000-0000-000000000002" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done"><rsp:ExitCode>3</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse></s:Body></s:Envelope>`;
const TIMEOUT_FAULT = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:TimedOut</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  </s:Text></s:Reason><s:Detail><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="2150858793" Machine="h"><f:Message>The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  </f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>`;
const SHELL_FAULT = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:InvalidSelectors</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">The request for the Windows Remote Shell with ShellId X failed because the shell was not found on the server. Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. Provide the correct ShellId or create a new shell and retry the operation. </s:Text></s:Reason><s:Detail><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="2150858843" Machine="h"><f:Message>The request for the Windows Remote Shell &amp; co failed</f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>`;

describe('WinRS responses', () => {
  it('reads the shell id and the command id', () => {
    expect(shellIdOf(CREATED)).toBe('11111111-AAAA-4000-8000-000000000001');
    expect(shellIdOf('<s:Envelope/>')).toBeNull();
    expect(commandIdOf(COMMANDED)).toBe('C0FFEE00-0000-0000-0000-000000000002');
  });

  it('reads streams of its command, running then done with the exit code', () => {
    const id = 'C0FFEE00-0000-0000-0000-000000000002';
    expect(receiveOf(RUNNING, id)).toEqual({ stdout: Buffer.from('hel'), stderr: Buffer.from('warn'), done: false, exitCode: null });
    expect(receiveOf(DONE, id)).toEqual({ stdout: Buffer.from('lo'), stderr: Buffer.alloc(0), done: true, exitCode: 3 });
  });

  it('reads faults: codes, reason, WSMan code and message', () => {
    const t = faultOf(TIMEOUT_FAULT)!;
    expect(t).toMatchObject({ code: 's:Receiver', subcode: 'w:TimedOut', wsmanCode: WSMAN_TIMED_OUT });
    const f = faultOf(SHELL_FAULT)!;
    expect(f.code).toBe('s:Sender');
    expect(f.message).toBe('The request for the Windows Remote Shell & co failed');
    expect(describeFault(f)).toMatch(/shell was not found.*\(s:Sender, w:InvalidSelectors, WSManFault 2150858843\)$/);
    expect(faultOf(CREATED)).toBeNull();
  });

  it('elements: any prefix, self-closing, attributes unescaped', () => {
    expect(elements('<a:X n="1&amp;2"/><X>t&lt;</X>', 'X')).toEqual([{ attrs: { n: '1&2' }, text: '' }, { attrs: {}, text: 't<' }]);
  });
});
