/**
 * director-base: what an LVS director needs before IPVS and keepalived: ipvsadm, iproute2 and a
 * packet filter installed; net.ipv4.ip_forward=1 and send_redirects=0 live and persisted;
 * optionally ip_vs loaded with its sysctls, and (keepalived-less sites) the VIP as /32.
 * See README.md for each setting and why.
 */
import { type AnyResource, command, defineRole, file, sysctl } from 'lvs-play';
import { familyPackages, interfaceAddress, persistAddresses, sh, type FamilyNames } from 'lvs-play/kit';
import { DEFAULT_DIRECTOR_PERSIST_NAME, IPVS_MODULES_LOAD_FILE, directorBaseSchema, type DirectorBaseOptions } from './options.js';

export {
  directorBaseSchema,
  DEFAULT_DIRECTOR_SYSCTL_FILE,
  DEFAULT_DIRECTOR_PERSIST_NAME,
  IPVS_MODULES_LOAD_FILE,
  type DirectorBaseInput,
  type DirectorBaseOptions,
} from './options.js';
export { familyPackages, namesFor, type FamilyNames } from 'lvs-play/kit';

/** The packages of a director, per family. */
export function directorPackages(o: Pick<DirectorBaseOptions, 'firewall' | 'extraPackages'>): FamilyNames {
  const fw = o.firewall === 'none' ? [] : [o.firewall];
  return {
    debian: ['ipvsadm', 'iproute2', ...fw, ...o.extraPackages],
    rhel: ['ipvsadm', 'iproute', ...fw, ...o.extraPackages],
  };
}

/** The sysctls the role manages, in order (name → value). */
export function directorSysctls(o: DirectorBaseOptions): [string, string | number][] {
  const out: [string, string | number][] = [];
  if (o.ipForward) out.push(['net.ipv4.ip_forward', 1]);
  if (o.disableRedirects) {
    for (const i of ['all', 'default', ...o.interfaces, ...(o.vip && !o.interfaces.includes(o.vip.interface) ? [o.vip.interface] : [])]) {
      out.push([`net.ipv4.conf.${i.replace(/\./g, '/')}.send_redirects`, 0]);
    }
  }
  const vs = o.ipvs;
  if (vs.conntrack !== undefined) out.push(['net.ipv4.vs.conntrack', vs.conntrack ? 1 : 0]);
  if (vs.expireNodestConn !== undefined) out.push(['net.ipv4.vs.expire_nodest_conn', vs.expireNodestConn ? 1 : 0]);
  if (vs.expireQuiescentTemplate !== undefined) out.push(['net.ipv4.vs.expire_quiescent_template', vs.expireQuiescentTemplate ? 1 : 0]);
  for (const [k, v] of Object.entries(o.sysctls)) out.push([k, v]);
  return out;
}

function directorBaseResources(o: DirectorBaseOptions): AnyResource[] {
  const res: AnyResource[] = [];
  if (o.installPackages) res.push(familyPackages('director packages', directorPackages(o)));
  if (o.loadIpvsModule) {
    res.push(file({ path: IPVS_MODULES_LOAD_FILE, content: '# managed by lvs-play: load IPVS at boot\nip_vs\n', mode: 0o644 }));
    res.push(command({ name: 'modprobe ip_vs', cmd: sh`modprobe ip_vs`, unless: sh`[ -d /proc/sys/net/ipv4/vs ]` }));
  }
  for (const [name, value] of directorSysctls(o)) res.push(sysctl({ name, value, file: o.sysctlFile }));
  if (o.vip) {
    const spec = { address: o.vip.address, prefix: 32, interface: o.vip.interface, label: o.vip.label ?? `${o.vip.interface}:0` };
    res.push(interfaceAddress(spec));
    if (o.vipPersist !== 'none') res.push(persistAddresses(DEFAULT_DIRECTOR_PERSIST_NAME, [spec], o.vipPersist));
  }
  return res;
}

/** `directorBase()` / `directorBase({ firewall: 'nftables', vip: { address, interface } })`. */
export const directorBase = defineRole({
  name: 'director-base',
  options: directorBaseSchema,
  build: (o) => ({ resources: directorBaseResources(o) }),
});
