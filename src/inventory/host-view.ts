/**
 * The one HostView implementation: plain objects with own methods (spreading one keeps them), built
 * by the inventory (resolve.ts) and re-layered with play vars by the selection (run/select.ts).
 */
import type { ZodType, ZodTypeDef } from 'zod';
import type { HostView, Vars } from '../types.js';
import { readVar, type VarContext } from './host-var.js';

export type HostRow = Pick<HostView, 'name' | 'address' | 'vars' | 'groups' | 'connection'>;

export interface ViewContext {
  /** The inventory file, for messages. */
  source: string;
  /** Hosts of a group (shared by every view of one inventory). */
  group(name: string): readonly HostView[];
  /** Where each var of this host was set (see VarContext.origins). */
  origins?: Readonly<Record<string, string>>;
  /** Values read from Ansible Vault, hidden from variable problems. */
  secrets?: readonly string[];
}

const contexts = new WeakMap<HostView, ViewContext>();

export function makeHostView(row: HostRow, ctx: ViewContext): HostView {
  const vars: Vars = Object.freeze({ ...row.vars });
  const varCtx: VarContext = { source: ctx.source, host: row.name, groups: row.groups, origins: ctx.origins ?? {}, ...(ctx.secrets ? { secrets: ctx.secrets } : {}) };
  function readTyped<T>(name: string, schema: ZodType<T, ZodTypeDef, unknown>, ...fallback: [T] | []): T {
    return readVar(varCtx, vars, name, schema, fallback.length ? { value: fallback[0] } : undefined);
  }
  const view: HostView = {
    name: row.name,
    address: row.address,
    vars,
    groups: Object.freeze([...row.groups]),
    connection: row.connection,
    group: ctx.group,
    get: <T>(name: string, fallback: T): T => (vars[name] !== undefined ? (vars[name] as T) : fallback),
    var: readTyped,
  };
  contexts.set(view, ctx);
  return view;
}

/** The same host with `under` laid beneath its vars (play vars: below every inventory var and -e). */
export function withVarsBelow(host: HostView, under: Vars): HostView {
  const ctx = contexts.get(host) ?? { source: 'inventory', group: host.group };
  const origins: Record<string, string> = { ...ctx.origins };
  for (const k of Object.keys(under)) if (!(k in host.vars)) origins[k] = 'in the play vars';
  return makeHostView({ ...host, vars: { ...under, ...host.vars } }, { ...ctx, origins });
}
