/**
 * Reads WinRS responses (MS-WSMV): the shell id of a Create, the command id of a Command, the
 * output and state of a Receive, and SOAP faults. Pure. Elements are matched by local name, any
 * namespace prefix (servers pick their own: s:, env:, rsp:, w:, …).
 */

export interface XmlElement {
  attrs: Record<string, string>;
  /** Inner text with entities decoded (child markup left as it is). */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function xmlUnescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? '';
  });
}

function attrsOf(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const name = m[1]!.includes(':') && !m[1]!.startsWith('xml') ? m[1]!.slice(m[1]!.indexOf(':') + 1) : m[1]!;
    out[name] = xmlUnescape(m[2] ?? m[3] ?? '');
  }
  return out;
}

/** Every element with this local name, in document order (not nested in one of the same name). */
export function elements(xml: string, local: string): XmlElement[] {
  const re = new RegExp(`<((?:[\\w.-]+:)?${local})((?:\\s[^>]*?)?)(/?)>`, 'g');
  const out: XmlElement[] = [];
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
    const attrs = attrsOf(m[2] ?? '');
    if (m[3] === '/') {
      out.push({ attrs, text: '' });
      continue;
    }
    const close = `</${m[1]}>`;
    const end = xml.indexOf(close, re.lastIndex);
    if (end < 0) continue;
    out.push({ attrs, text: xmlUnescape(xml.slice(re.lastIndex, end)) });
    re.lastIndex = end + close.length;
  }
  return out;
}

const first = (xml: string, local: string): XmlElement | undefined => elements(xml, local)[0];

/** The ShellId of a Create response (the Selector, or the Shell's own ShellId element). */
export function shellIdOf(xml: string): string | null {
  const sel = elements(xml, 'Selector').find((e) => e.attrs['Name'] === 'ShellId');
  return (sel?.text ?? first(xml, 'ShellId')?.text ?? '').trim() || null;
}

/** The CommandId of a Command response. */
export function commandIdOf(xml: string): string | null {
  return first(xml, 'CommandId')?.text.trim() || null;
}

export interface ReceiveChunk {
  stdout: Buffer;
  stderr: Buffer;
  /** The command ended (CommandState Done). */
  done: boolean;
  /** Its exit code, once done. */
  exitCode: number | null;
}

/** Output and state of one Receive response, for one command. */
export function receiveOf(xml: string, commandId: string): ReceiveChunk {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (const s of elements(xml, 'Stream')) {
    if (s.attrs['CommandId'] !== undefined && s.attrs['CommandId'].toUpperCase() !== commandId.toUpperCase()) continue;
    const bytes = Buffer.from(s.text.trim(), 'base64');
    if (s.attrs['Name'] === 'stdout') out.push(bytes);
    else if (s.attrs['Name'] === 'stderr') err.push(bytes);
  }
  const state = elements(xml, 'CommandState').find((e) => (e.attrs['State'] ?? '').endsWith('CommandState/Done'));
  const code = state ? first(state.text, 'ExitCode')?.text.trim() : undefined;
  return {
    stdout: Buffer.concat(out),
    stderr: Buffer.concat(err),
    done: state !== undefined,
    exitCode: code === undefined || code === '' ? (state ? 0 : null) : Number(code),
  };
}

export interface SoapFault {
  /** s:Code/s:Value, e.g. s:Receiver. */
  code: string;
  /** s:Subcode/s:Value, e.g. w:TimedOut. */
  subcode: string;
  /** s:Reason/s:Text. */
  reason: string;
  /** WSManFault Code attribute (a Windows error number), when present. */
  wsmanCode: string;
  /** WSManFault Message text, when present. */
  message: string;
}

/** The WSManFault code of an operation timeout: a Receive with no output yet (retry). */
export const WSMAN_TIMED_OUT = '2150858793';

/** The SOAP fault in a response body, or null. */
export function faultOf(xml: string): SoapFault | null {
  const f = first(xml, 'Fault');
  if (!f) return null;
  const codeEl = first(f.text, 'Code');
  const sub = codeEl ? first(codeEl.text, 'Subcode') : undefined;
  const wsman = first(f.text, 'WSManFault');
  const msg = wsman ? first(wsman.text, 'Message') : undefined;
  const strip = (s: string): string => s.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
  return {
    code: strip(codeEl ? (first(codeEl.text.replace(/<([\w.-]+:)?Subcode[\s\S]*$/, ''), 'Value')?.text ?? '') : ''),
    subcode: strip(sub ? (first(sub.text, 'Value')?.text ?? '') : ''),
    reason: strip(first(f.text, 'Text')?.text ?? ''),
    wsmanCode: wsman?.attrs['Code'] ?? '',
    message: strip(msg?.text ?? ''),
  };
}

/** A fault as one line: reason, WSMan message and codes. */
export function describeFault(f: SoapFault): string {
  const text = [f.reason, f.message && f.message !== f.reason ? f.message : ''].filter(Boolean).join(' — ') || '(no text in the fault)';
  const codes = [f.code, f.subcode, f.wsmanCode ? `WSManFault ${f.wsmanCode}` : ''].filter(Boolean).join(', ');
  return codes ? `${text} (${codes})` : text;
}
