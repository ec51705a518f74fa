/**
 * Ansible's `ansible_ssh_common_args` / `ansible_ssh_extra_args`: OpenSSH command-line arguments,
 * read as ssh reads them: `-o Key=Value` (or `-oKey=Value`, `-o Key Value`), `-F FILE`, `-J HOPS`,
 * `-i KEY`, `-p PORT`, `-l USER`. The first value of an option wins (as on ssh's command line);
 * arguments lvs-play does not apply are returned for a warning.
 */
import { shlexSplit } from './shlex.js';

export interface SshArgs {
  /** `-o` options and -J/-i/-p/-l as their ssh_config keywords. */
  options: Record<string, string>;
  /** -F FILE */
  configFile?: string;
  /** Arguments not applied (flags such as -C, -4, -v). */
  ignored: string[];
}

const WITH_VALUE: Readonly<Record<string, string>> = { '-J': 'ProxyJump', '-i': 'IdentityFile', '-p': 'Port', '-l': 'User' };

/** Parses one or more argument strings (common args first: their options win). */
export function parseSshArgs(...lines: readonly (string | undefined)[]): SshArgs {
  const out: SshArgs = { options: {}, ignored: [] };
  const set = (k: string, v: string) => {
    const have = Object.keys(out.options).find((x) => x.toLowerCase() === k.toLowerCase());
    if (!have) out.options[k] = v;
  };
  for (const line of lines) {
    if (!line) continue;
    const words = shlexSplit(line, { comments: false });
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      const flag = w.slice(0, 2);
      const inline = w.length > 2 ? w.slice(2) : undefined;
      const value = () => inline ?? words[++i] ?? '';
      if (flag === '-o') {
        const opt = value();
        const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)?(.*)$/.exec(opt);
        if (!m || !m[1]) continue;
        const v = m[2] !== '' ? (m[2] as string) : (words[++i] ?? '');
        set(m[1], v);
      } else if (flag === '-F') {
        out.configFile ??= value();
      } else if (WITH_VALUE[flag]) {
        set(WITH_VALUE[flag] as string, value());
      } else {
        out.ignored.push(w);
      }
    }
  }
  return out;
}
