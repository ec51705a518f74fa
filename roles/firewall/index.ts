/**
 * firewall: opens what an LVS director needs — the service ports on the VIPs, VRRP (IP protocol
 * 112) from the peer directors and to 224.0.0.18 — and keeps SSH open first, so a run can never
 * lock itself out. Only adds ACCEPTs (the policy is left alone unless `defaultDrop`); rules it did
 * not make are never touched. iptables (commented rules) or nftables (its own table).
 * See README.md.
 */
import { type AnyResource, defineRole } from 'lvs-play';
import { familyPackages } from 'lvs-play/kit';
import { iptablesDropPolicy, iptablesPersist, iptablesPrune, iptablesRule } from './iptables.js';
import { nftBoot, nftTable } from './nftables.js';
import { firewallSchema, type FirewallOptions } from './options.js';
import { firewallRules } from './rules.js';
import { MARK_CHAIN, markRules } from './marks.js';

export { firewallSchema, DEFAULT_NFT_FILE, NFT_TABLE, type FirewallInput, type FirewallOptions } from './options.js';
export { firewallRules, COMMENT_PREFIX, type FwRule } from './rules.js';
export { markRules, nftMarkChain, MARK_CHAIN } from './marks.js';
export {
  iptablesRule,
  iptablesPrune,
  iptablesPersist,
  iptablesDropPolicy,
  planRule,
  planPrune,
  planSave,
  parseChainRules,
  splitRuleLine,
  normaliseSave,
  IPTABLES_FILES,
  type RuleState,
  type ChainRule,
} from './iptables.js';
export { nftTable, nftBoot, renderNftTable, planNft, planNftBoot, NFT_BOOT_FILES, NFT_STAMP } from './nftables.js';

export function firewallResources(o: FirewallOptions): AnyResource[] {
  const rules = firewallRules(o);
  const res: AnyResource[] = [];
  if (o.backend === 'iptables') {
    if (o.installPersistence && o.persist) {
      res.push(familyPackages('iptables boot restore package', { debian: ['iptables-persistent'], rhel: ['iptables-services'] }));
    }
    // SSH is rules[0]: ensured before anything else can change the chain.
    rules.forEach((r, i) => res.push(iptablesRule(o.chain, r, rules.slice(0, i), o.position)));
    // fwmark services: appended to mangle PREROUTING (not pruned: a mark the options drop stays until removed by hand)
    for (const m of markRules(o)) res.push(iptablesRule(MARK_CHAIN, m, [], 'append'));
    if (o.prune) res.push(iptablesPrune(o.chain, rules.map((r) => r.id)));
    if (o.defaultDrop) res.push(iptablesDropPolicy(o.chain));
    if (o.persist) res.push(iptablesPersist(o.persistFile, { chain: o.chain, ids: rules.map((r) => r.id), prune: o.prune, marks: markRules(o).map((m) => m.id) }));
  } else {
    res.push(nftTable(o.nftFile, rules, o.defaultDrop, markRules(o)));
    if (o.persist) res.push(nftBoot(o.nftFile));
  }
  return res;
}

/** `firewall({ vips: ['10.77.0.10'], tcpPorts: [80], vrrpPeers: ['10.77.0.14', '10.77.0.15'] })`. */
export const firewall = defineRole({
  name: 'firewall',
  options: firewallSchema,
  build: (o) => ({ resources: firewallResources(o) }),
});
