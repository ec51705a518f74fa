/**
 * Ansible's inventory model (groups with hosts, children and vars; host vars), as both the INI and
 * YAML readers build it, and its translation into an lvs-play InventorySpec.
 */
import { LvsError, ValidationErrors } from '../errors.js';
import type { GroupSpec, HostSpec, InventorySpec, Vars } from '../types.js';
import { mapAnsibleVars, type MappedVars } from './ansible-vars.js';

export interface AnsibleGroup {
  hosts: string[];
  children: string[];
  vars: Vars;
  /** Where it was first seen, for messages ("file:12" or a dotted YAML path). */
  where: string;
}

export class AnsibleModel {
  readonly groups = new Map<string, AnsibleGroup>();
  /** Host vars, in the order hosts were first seen (inventory order). */
  readonly hostVars = new Map<string, Vars>();
  readonly hostWhere = new Map<string, string>();
  readonly errors: LvsError[] = [];
  /** Each group's hosts as a set (addHost stays linear with 10 000 hosts). */
  private readonly members = new Map<AnsibleGroup, Set<string>>();

  /** `ini` places are "file:line"; `yaml` places are dotted paths in the file. */
  constructor(
    readonly file: string,
    readonly style: 'ini' | 'yaml',
  ) {
    this.group('all', 'all');
    this.group('ungrouped', 'ungrouped');
  }

  group(name: string, where: string): AnsibleGroup {
    let g = this.groups.get(name);
    if (!g) {
      g = { hosts: [], children: [], vars: {}, where };
      this.groups.set(name, g);
    }
    return g;
  }

  addHost(group: string, name: string, vars: Vars, where: string): void {
    const g = this.group(group, where);
    let members = this.members.get(g);
    if (!members) this.members.set(g, (members = new Set(g.hosts)));
    if (!members.has(name)) (members.add(name), g.hosts.push(name));
    if (!this.hostVars.has(name)) {
      this.hostVars.set(name, {});
      this.hostWhere.set(name, where);
    }
    Object.assign(this.hostVars.get(name) as Vars, vars);
  }

  addChild(parent: string, child: string, where: string): void {
    if (child === 'all' || child === 'ungrouped' || parent === 'ungrouped') {
      this.error(`"${child}" cannot be a child of "${parent}"`, where, child, 'only your own groups can be children; all and ungrouped are implicit');
      return;
    }
    this.group(child, where);
    const g = this.group(parent, where);
    if (!g.children.includes(child)) g.children.push(child);
  }

  error(message: string, field: string, value: unknown, fix: string): void {
    this.errors.push(new LvsError('E_INVENTORY', message, { file: this.file, field, value, fix }));
  }

  private map(vars: Vars, where: string, level: 'host' | 'group'): MappedVars {
    const ini = this.style === 'ini' && where.startsWith(`${this.file}:`);
    return mapAnsibleVars(vars, { file: ini ? where : this.file, field: ini ? '' : where, level }, this.errors);
  }

  private varsPlace(group: string, g: AnsibleGroup): string {
    return this.style === 'ini' ? `[${group}:vars]` : `${g.where}.vars`;
  }

  /** The InventorySpec this Ansible inventory means; throws ValidationErrors for what cannot be mapped. */
  toSpec(): InventorySpec {
    const spec: { vars?: Vars; connection?: Record<string, unknown>; hosts?: Record<string, HostSpec | null>; groups?: Record<string, GroupSpec> } = {};
    const all = this.groups.get('all') as AnsibleGroup;
    const ungrouped = this.groups.get('ungrouped') as AnsibleGroup;
    const allMapped = this.map(all.vars, this.varsPlace('all', all), 'group');
    if (Object.keys(allMapped.vars).length > 0) spec.vars = allMapped.vars;
    if (Object.keys(allMapped.connection).length > 0) spec.connection = allMapped.connection;
    if (Object.keys(ungrouped.vars).length > 0) {
      this.error('vars of the implicit group "ungrouped" are not supported', 'ungrouped.vars', Object.keys(ungrouped.vars), 'put them in a real group, or in all vars');
    }
    const placed = new Set<string>();
    const hostEntry = (name: string): HostSpec | null => {
      if (placed.has(name)) return null;
      placed.add(name);
      const m = this.map(this.hostVars.get(name) ?? {}, this.hostWhere.get(name) ?? name, 'host');
      const h: HostSpec = {};
      if (m.address !== undefined) h.address = m.address;
      if (Object.keys(m.vars).length > 0) h.vars = m.vars;
      if (Object.keys(m.connection).length > 0) h.connection = m.connection as HostSpec['connection'];
      return h;
    };
    // as Ansible lists `ungrouped`: its own hosts, then those declared under [all]
    const top = [...ungrouped.hosts, ...all.hosts.filter((h) => !ungrouped.hosts.includes(h))];
    if (top.length > 0) spec.hosts = Object.fromEntries(top.map((h) => [h, hostEntry(h)]));
    const groups: Record<string, GroupSpec> = {};
    for (const [name, g] of this.groups) {
      if (name === 'all' || name === 'ungrouped') continue;
      const m = this.map(g.vars, this.varsPlace(name, g), 'group');
      const out: { -readonly [K in keyof GroupSpec]: GroupSpec[K] } = {};
      if (g.hosts.length > 0) out.hosts = Object.fromEntries(g.hosts.map((h) => [h, hostEntry(h)]));
      if (g.children.length > 0) out.children = [...g.children];
      if (Object.keys(m.vars).length > 0) out.vars = m.vars;
      if (Object.keys(m.connection).length > 0) out.connection = m.connection as GroupSpec['connection'];
      groups[name] = out;
    }
    if (Object.keys(groups).length > 0) spec.groups = groups;
    if (this.errors.length > 0) throw new ValidationErrors(this.errors);
    return spec as InventorySpec;
  }
}
