/** The OS family fact (debian | rhel | unknown), package manager and init system of a host. */
import { sh } from '../shell/quote.js';
import type { Fact, ShellCommand } from '../types.js';
import { b64, checkFactResult, kv, parseKv } from './common.js';

/** The OS families lvs-play knows. */
export type OsFamily = 'debian' | 'rhel' | 'unknown';
/** The package managers lvs-play drives. */
export type PkgManager = 'apt' | 'dnf' | 'yum';

/** A host's OS as read: family, os-release ID and version, package manager, systemd, tools on PATH. */
export interface OsFacts {
  family: OsFamily;
  /** os-release ID (e.g. "debian", "centos"), '' when unknown. */
  id: string;
  idLike: string[];
  versionId: string;
  /** The package manager found on the host (apt-get, dnf, then yum). */
  pkgManager: PkgManager | null;
  /** systemd is running (`/run/systemd/system` exists). */
  systemd: boolean;
  /** Tools found on PATH among: apt-get dnf yum dpkg-query rpm systemctl update-rc.d chkconfig. */
  tools: string[];
}

/** Shell text printing the os facts as key=value lines (embeddable in other facts). */
export const osFactScript: ShellCommand = sh`if [ -r /etc/os-release ]; then printf 'osrelease='; base64 -w0 < /etc/os-release; echo; fi
[ -f /etc/redhat-release ] && echo redhat-release=1
[ -f /etc/debian_version ] && echo debian-version=1
for c in apt-get dnf yum dpkg-query rpm systemctl update-rc.d chkconfig; do command -v "$c" >/dev/null 2>&1 && echo "tool=$c"; done
if [ -d /run/systemd/system ]; then echo systemd=1; else echo systemd=0; fi
:`;

/** Parses os-release text into a key → value map (quotes removed). */
export function parseOsRelease(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const r = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!r) continue;
    let v = r[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    m.set(r[1]!, v.replace(/\\(["$`\\])/g, '$1'));
  }
  return m;
}

const DEBIAN = ['debian', 'ubuntu', 'raspbian', 'linuxmint', 'devuan', 'kali'];
const RHEL = ['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'ol', 'amzn', 'scientific', 'redhat'];

/** Parses the lines printed by `osFactScript`. */
export function parseOsFacts(m: Map<string, string[]>): OsFacts {
  const rel = parseOsRelease(b64(kv(m, 'osrelease') ?? '').toString('utf8'));
  const id = (rel.get('ID') ?? '').toLowerCase();
  const idLike = (rel.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const tools = m.get('tool') ?? [];
  const pkgManager: PkgManager | null = tools.includes('apt-get') ? 'apt' : tools.includes('dnf') ? 'dnf' : tools.includes('yum') ? 'yum' : null;
  const names = [id, ...idLike];
  let family: OsFamily = 'unknown';
  if (names.some((n) => DEBIAN.includes(n))) family = 'debian';
  else if (names.some((n) => RHEL.includes(n))) family = 'rhel';
  else if (kv(m, 'debian-version') === '1' || pkgManager === 'apt') family = 'debian';
  else if (kv(m, 'redhat-release') === '1' || pkgManager === 'dnf' || pkgManager === 'yum') family = 'rhel';
  return { family, id, idLike, versionId: rel.get('VERSION_ID') ?? '', pkgManager, systemd: kv(m, 'systemd') === '1', tools };
}

/** A batched fact: the host's OS family, package manager and init system. */
export const osFamilyFact: Fact<OsFacts> = {
  command: osFactScript,
  parse(r) {
    checkFactResult('os facts', r);
    return parseOsFacts(parseKv(r.stdout));
  },
};
