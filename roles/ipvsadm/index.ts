/**
 * ipvsadm: the IPVS table as declared virtual services and real servers, or (the usual site,
 * where keepalived owns IPVS) only the ipvsadm tool installed. See README.md.
 */
import { z } from 'lvs-play/kit';
import { type AnyResource, defineRole, pkg } from 'lvs-play';
import { LvsError, ValidationErrors } from 'lvs-play/kit';
import { validateServices, type VirtualService } from './model.js';
import { ipvsPersist, ipvsTable } from './resources.js';

export * from './model.js';
export { parseIpvsadmSave, applyThresholds } from './parse.js';
export { reconcile, editToArgv, describeEdit, renderRules, type IpvsEdit, type ServiceSpec, type ReconcileOptions } from './reconcile.js';
export {
  ipvsTable,
  ipvsPersist,
  ipvsFact,
  parseIpvsState,
  planIpvs,
  planIpvsPersist,
  tableAfter,
  describeIpvs,
  emptyTableNote,
  IPVSADM_FILES,
  type IpvsState,
  type IpvsChange,
  type IpvsAvailability,
} from './resources.js';

/** The options of `ipvsadm()`: the zod schema, defaults included. */
export const ipvsadmSchema = z
  .object({
    /** The virtual services (checked by validateServices: addresses, ports, schedulers, duplicates …). */
    services: z.array(z.custom<VirtualService>(() => true)).default([]),
    /** table: reconcile the live table and persist it; install-only: just the ipvsadm package. Default: table when services are given. */
    manage: z.enum(['table', 'install-only']).optional(),
    /** Delete live virtual services that are not in `services`. */
    purge: z.boolean().default(false),
    /** Save the table where the distro restores it at boot (table mode only). */
    persist: z.boolean().default(true),
    /** Install the ipvsadm package. */
    installPackage: z.boolean().default(true),
  })
  .strict();

/** What `ipvsadm()` takes (before defaults). */
export type IpvsadmInput = z.input<typeof ipvsadmSchema>;
/** The options of `ipvsadm()` after defaults. */
export type IpvsadmOptions = z.output<typeof ipvsadmSchema>;

const FIELD = 'ipvsadm(options)';

/** Validates the services and resolves the mode; throws E_VALIDATION naming the field and the fix. */
function resolveIpvsadm(o: IpvsadmOptions): { manage: 'table' | 'install-only'; services: VirtualService[] } {
  const services = validateServices(o.services, { field: `${FIELD}.services` });
  const manage = o.manage ?? (services.length > 0 ? 'table' : 'install-only');
  if (manage === 'install-only' && services.length > 0) {
    throw new ValidationErrors([
      new LvsError('E_VALIDATION', 'services are given but manage is "install-only"', {
        field: `${FIELD}.manage`,
        value: manage,
        fix: 'drop services (keepalived manages IPVS), or set manage: "table"',
      }),
    ]);
  }
  return { manage, services };
}

export function ipvsadmResources(o: IpvsadmOptions): AnyResource[] {
  const { manage, services } = resolveIpvsadm(o);
  const res: AnyResource[] = [];
  if (o.installPackage) res.push(pkg({ names: ['ipvsadm'] }));
  if (manage === 'table') {
    res.push(ipvsTable(services, o.purge));
    if (o.persist) res.push(ipvsPersist(services, o.purge));
  }
  return res;
}

/** `ipvsadm()` installs the tool only; `ipvsadm({ services: [...] })` manages the table. */
export const ipvsadm = defineRole({
  name: 'ipvsadm',
  options: ipvsadmSchema,
  build: (o) => ({ resources: ipvsadmResources(o) }),
});
