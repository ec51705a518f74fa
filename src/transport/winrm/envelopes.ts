/**
 * WS-Management WinRS requests (MS-WSMV 3.1.4): Create shell, Command, Send, Receive, Signal,
 * Delete — the shapes pywinrm and Ansible's winrm connection send. Pure: text in, XML out.
 */
import { randomUUID } from 'node:crypto';

export const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  a: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  w: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  p: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
  rsp: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
} as const;

export const RESOURCE_CMD = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
const SHELL = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';
export const ACTION = {
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  command: `${SHELL}/Command`,
  send: `${SHELL}/Send`,
  receive: `${SHELL}/Receive`,
  signal: `${SHELL}/Signal`,
} as const;
export const SIGNAL = { terminate: `${SHELL}/signal/terminate`, ctrlC: `${SHELL}/signal/ctrl_c` } as const;

/** The host's envelope limit (2008 R2's default, 150 KB): what pywinrm announces too. */
export const MAX_ENVELOPE_BYTES = 153_600;

export interface EnvelopeContext {
  /** The endpoint URL, e.g. http://10.77.0.40:5985/wsman. */
  to: string;
  /** Seconds the server may hold an operation (Receive waits this long for output). */
  operationTimeoutSec: number;
  /** MessageID (random when absent: tests pass one). */
  messageId?: string;
}

/** Escapes text and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function header(ctx: EnvelopeContext, action: string, extra: string): string {
  const id = ctx.messageId ?? `uuid:${randomUUID().toUpperCase()}`;
  return (
    `<env:Header><a:To>${xmlEscape(ctx.to)}</a:To>` +
    `<a:ReplyTo><a:Address mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>` +
    `<w:MaxEnvelopeSize mustUnderstand="true">${MAX_ENVELOPE_BYTES}</w:MaxEnvelopeSize>` +
    `<a:MessageID>${xmlEscape(id)}</a:MessageID>` +
    `<w:Locale mustUnderstand="false" xml:lang="en-US"/><p:DataLocale mustUnderstand="false" xml:lang="en-US"/>` +
    `<w:OperationTimeout>PT${Math.max(1, Math.floor(ctx.operationTimeoutSec))}S</w:OperationTimeout>` +
    `<w:ResourceURI mustUnderstand="true">${RESOURCE_CMD}</w:ResourceURI>` +
    `<a:Action mustUnderstand="true">${action}</a:Action>${extra}</env:Header>`
  );
}

function envelope(ctx: EnvelopeContext, action: string, headerExtra: string, body: string): string {
  const xmlns = Object.entries(NS).map(([k, v]) => `xmlns:${k}="${v}"`).join(' ');
  return `<?xml version="1.0" encoding="utf-8"?>\n<env:Envelope ${xmlns}>${header(ctx, action, headerExtra)}<env:Body>${body}</env:Body></env:Envelope>`;
}

const selector = (shellId: string): string => `<w:SelectorSet><w:Selector Name="ShellId">${xmlEscape(shellId)}</w:Selector></w:SelectorSet>`;
const options = (o: Readonly<Record<string, string>>): string =>
  `<w:OptionSet>${Object.entries(o).map(([k, v]) => `<w:Option Name="${k}">${xmlEscape(v)}</w:Option>`).join('')}</w:OptionSet>`;

/** Create a cmd shell (stdin in; stdout, stderr out). Code page 65001: UTF-8 output. */
export function createShell(ctx: EnvelopeContext, o: { codepage?: number; idleTimeoutSec?: number } = {}): string {
  const idle = o.idleTimeoutSec ? `<rsp:IdleTimeOut>PT${o.idleTimeoutSec}S</rsp:IdleTimeOut>` : '';
  return envelope(
    ctx,
    ACTION.create,
    options({ WINRS_NOPROFILE: 'TRUE', WINRS_CODEPAGE: String(o.codepage ?? 65001) }),
    `<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>${idle}</rsp:Shell>`,
  );
}

/**
 * Run `cmd` with `args` in the shell, as Ansible's winrm connection does when it feeds stdin:
 * stdin is a pipe (WINRS_CONSOLEMODE_STDIN FALSE), the line goes through the shell's cmd.exe.
 */
export function command(ctx: EnvelopeContext, shellId: string, cmd: string, args: readonly string[]): string {
  const argXml = args.map((a) => `<rsp:Arguments>${xmlEscape(a)}</rsp:Arguments>`).join('');
  return envelope(
    ctx,
    ACTION.command,
    selector(shellId) + options({ WINRS_CONSOLEMODE_STDIN: 'FALSE', WINRS_SKIP_CMD_SHELL: 'FALSE' }),
    `<rsp:CommandLine><rsp:Command>${xmlEscape(cmd)}</rsp:Command>${argXml}</rsp:CommandLine>`,
  );
}

/** Send bytes to the command's stdin; `end` closes it. */
export function send(ctx: EnvelopeContext, shellId: string, commandId: string, data: Buffer, end: boolean): string {
  const endAttr = end ? ' End="true"' : '';
  return envelope(
    ctx,
    ACTION.send,
    selector(shellId),
    `<rsp:Send><rsp:Stream Name="stdin" CommandId="${xmlEscape(commandId)}"${endAttr}>${data.toString('base64')}</rsp:Stream></rsp:Send>`,
  );
}

/** Ask for the command's output (the server answers when it has some, or after the operation timeout). */
export function receive(ctx: EnvelopeContext, shellId: string, commandId: string): string {
  return envelope(
    ctx,
    ACTION.receive,
    selector(shellId),
    `<rsp:Receive><rsp:DesiredStream CommandId="${xmlEscape(commandId)}">stdout stderr</rsp:DesiredStream></rsp:Receive>`,
  );
}

/** Signal the command (terminate: end it and free it; ctrl_c: interrupt it). */
export function signal(ctx: EnvelopeContext, shellId: string, commandId: string, code: string = SIGNAL.terminate): string {
  return envelope(ctx, ACTION.signal, selector(shellId), `<rsp:Signal CommandId="${xmlEscape(commandId)}"><rsp:Code>${code}</rsp:Code></rsp:Signal>`);
}

/** Delete the shell. */
export function deleteShell(ctx: EnvelopeContext, shellId: string): string {
  return envelope(ctx, ACTION.delete, selector(shellId), '');
}

/**
 * The largest stdin chunk whose Send envelope stays under MAX_ENVELOPE_BYTES: base64 grows it by
 * 4/3, and the envelope around it is measured, plus a margin for the encryption frame.
 */
export function maxSendChunk(ctx: EnvelopeContext, shellId: string, commandId: string): number {
  const overhead = Buffer.byteLength(send(ctx, shellId, commandId, Buffer.alloc(0), true)) + 2048;
  return Math.floor(((MAX_ENVELOPE_BYTES - overhead) * 3) / 4 / 3) * 3;
}
