/**
 * What status needs from a director's keepalived.conf: VRRP instances (configured state,
 * priority, interface, VIPs) and virtual servers with their real servers and weights. The host
 * sends the file without comments and without any `auth_pass` line (see `confCommand`), so the
 * VRRP password never leaves the director. Pure parser; `include` files are not followed.
 */

export interface ConfInstance {
  name: string;
  state: string;
  priority: number | null;
  interface: string;
  /** Bare addresses of `virtual_ipaddress`. */
  vips: string[];
}

export interface ConfRealServer {
  address: string;
  port: number;
  weight: number;
}

export interface ConfVirtualServer {
  /** Address, or `fwmark N`. */
  address: string;
  port: number | null;
  protocol: string;
  realServers: ConfRealServer[];
}

export interface ConfSummary {
  instances: ConfInstance[];
  virtualServers: ConfVirtualServer[];
}

/** Parses keepalived.conf text (lenient: unknown keywords are skipped with their blocks). */
export function parseKeepalivedConf(text: string): ConfSummary {
  const out: ConfSummary = { instances: [], virtualServers: [] };
  // a stack of open blocks: their keyword and what they describe
  const stack: { kw: string; inst?: ConfInstance; vs?: ConfVirtualServer; rs?: ConfRealServer }[] = [];
  let line: string[] = [];
  const top = () => stack[stack.length - 1];
  const statement = (words: string[], opens: boolean) => {
    const [kw = '', ...args] = words;
    const parent = top();
    if (opens) {
      const frame: (typeof stack)[number] = { kw };
      if (kw === 'vrrp_instance' && stack.length === 0) {
        frame.inst = { name: args[0] ?? '?', state: '', priority: null, interface: '', vips: [] };
        out.instances.push(frame.inst);
      } else if (kw === 'virtual_server' && stack.length === 0) {
        const fw = args[0] === 'fwmark';
        frame.vs = { address: fw ? `fwmark ${args[1] ?? ''}` : args[0] ?? '', port: fw ? null : Number(args[1] ?? NaN), protocol: 'TCP', realServers: [] };
        out.virtualServers.push(frame.vs);
      } else if (kw === 'real_server' && parent?.vs) {
        frame.rs = { address: args[0] ?? '', port: Number(args[1] ?? parent.vs.port ?? NaN), weight: 1 };
        parent.vs.realServers.push(frame.rs);
      }
      stack.push(frame);
      return;
    }
    if (!parent) return;
    if (parent.kw === 'virtual_ipaddress') {
      const inst = stack[stack.length - 2]?.inst;
      if (inst && kw) inst.vips.push(kw.split('/')[0]!);
      return;
    }
    if (parent.inst) {
      if (kw === 'state') parent.inst.state = args[0] ?? '';
      else if (kw === 'priority') parent.inst.priority = Number(args[0]);
      else if (kw === 'interface') parent.inst.interface = args[0] ?? '';
    } else if (parent.vs) {
      if (kw === 'protocol') parent.vs.protocol = args[0] ?? 'TCP';
    } else if (parent.rs) {
      if (kw === 'weight') parent.rs.weight = Number(args[0]);
    }
  };
  // a statement is the words of one line up to a brace (keepalived's own rule)
  for (const raw of text.split('\n')) {
    const l = raw.replace(/[#!].*$/, '');
    for (const tok of l.replace(/([{}])/g, ' $1 ').split(/\s+/).filter(Boolean)) {
      if (tok === '{') {
        statement(line, true);
        line = [];
      } else if (tok === '}') {
        if (line.length) statement(line, false);
        line = [];
        stack.pop();
      } else line.push(tok);
    }
    if (line.length) statement(line, false);
    line = [];
  }
  return out;
}
