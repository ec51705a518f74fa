/**
 * Secrets in inventories: references resolved only when a connection needs them.
 *
 * A SecretRef prints as "********" everywhere (JSON, util.inspect, String()), and resolved values are
 * remembered by a SecretResolver instance (never module state) so the executor can redact them.
 */
import { inspect } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { LvsError } from '../errors.js';
import { MASK, Redactor } from '../mask.js';
import type { SecretRef } from '../types.js';

export { MASK };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function makeRef(source: SecretRef['source']): SecretRef {
  const ref = { type: 'secret' as const, source: Object.freeze({ ...source }) };
  const hide = { value: () => MASK, enumerable: false };
  Object.defineProperties(ref, {
    toJSON: hide,
    toString: hide,
    [inspect.custom]: hide,
    [Symbol.toPrimitive]: hide,
  });
  return Object.freeze(ref);
}

/** Builders of secret references for inventories. */
export const secret = {
  /** The value of an environment variable of the control node, read when the connection opens. */
  env(name: string): SecretRef {
    if (!ENV_NAME.test(name)) {
      throw new LvsError('E_SECRET', 'invalid environment variable name for secret.env()', {
        value: name,
        fix: 'use letters, digits and "_", not starting with a digit (e.g. WIN_PASSWORD)',
      });
    }
    return makeRef({ env: name });
  },
  /** Asked on the terminal (no echo) the first time a connection needs it. */
  prompt(question: string): SecretRef {
    return makeRef({ prompt: question });
  },
  /** A literal value (e.g. from an Ansible inventory); still redacted everywhere. */
  value(v: string): SecretRef {
    return makeRef({ value: v });
  },
};

/** True for objects shaped like a SecretRef (from this or another copy of lvs-play). */
export function isSecretRef(v: unknown): v is SecretRef {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as { type?: unknown; source?: unknown };
  if (r.type !== 'secret' || typeof r.source !== 'object' || r.source === null) return false;
  const keys = Object.keys(r.source);
  if (keys.length !== 1) return false;
  const k = keys[0] as string;
  return ['env', 'prompt', 'value'].includes(k) && typeof (r.source as Record<string, unknown>)[k] === 'string';
}

/** A readable the prompt reads from: a TTY stream (process.stdin by default). */
export interface PromptInput extends Readable {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface SecretOptions {
  /** Environment to read `secret.env` from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where prompts read from (default process.stdin; must be a TTY). */
  input?: PromptInput;
  /** Where prompts are written (default process.stderr). */
  output?: Writable;
}

/**
 * A secret from an environment variable of the control node, or undefined when it is unset or
 * empty (an empty variable is no secret). The one place a secret is read from the environment:
 * `secret.env` references resolve through it, and a playbook setting that a variable overrides
 * (`LVS_VRRP_PASS`) reads it here too.
 */
export function secretFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** Resolves one reference. Stateless: prefer a SecretResolver, which also remembers values for redaction. */
export async function resolveSecret(ref: SecretRef, opts: SecretOptions = {}): Promise<string> {
  const src = ref.source;
  if ('value' in src) return src.value;
  if ('env' in src) {
    const v = secretFromEnv(src.env, opts.env);
    if (v === undefined) {
      throw new LvsError('E_SECRET', `secret environment variable ${src.env} is not set`, {
        field: src.env,
        fix: `export ${src.env}=... before running, or use secret.prompt(...)`,
      });
    }
    return v;
  }
  return promptHidden(src.prompt, opts.input ?? process.stdin, opts.output ?? process.stderr);
}

/** Reads one line from a TTY in raw mode, without echoing it. */
function promptHidden(question: string, input: PromptInput, output: Writable): Promise<string> {
  if (!input.isTTY) {
    return Promise.reject(
      new LvsError('E_SECRET', `cannot prompt for secret "${question}": stdin is not a terminal`, {
        fix: 'run interactively, or use secret.env(NAME) and set the variable',
      }),
    );
  }
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (err: LvsError | null): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(null);
        if (ch === '\u0003') return finish(new LvsError('E_SECRET', `prompt for secret "${question}" interrupted`));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    // echo off before the question shows, so nothing typed after it can be echoed
    input.setRawMode?.(true);
    output.write(`${question} `);
    input.on('data', onData);
    input.resume();
  });
}

function sourceKey(ref: SecretRef): string {
  return JSON.stringify(ref.source);
}

/**
 * Resolves secrets for one run and keeps every resolved value in the run's holder (a Redactor,
 * src/mask.ts: `holder`, else one of its own), so every output masks it. Each distinct reference
 * is resolved (and prompted for) once.
 */
export class SecretResolver {
  readonly #held: Redactor;
  readonly #cache = new Map<string, Promise<string>>();
  /** Prompts run one after another: hosts connect in parallel, the terminal is one. */
  #prompts: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly opts: SecretOptions = {},
    holder: Redactor = new Redactor(),
  ) {
    this.#held = holder;
  }

  resolve(ref: SecretRef): Promise<string> {
    const key = sourceKey(ref);
    let p = this.#cache.get(key);
    if (!p) {
      const run = (): Promise<string> => resolveSecret(ref, this.opts);
      const raw = 'prompt' in ref.source ? this.#prompts.then(run) : run();
      if ('prompt' in ref.source) this.#prompts = raw.catch(() => undefined);
      p = raw.then((v) => {
        this.remember(v);
        return v;
      });
      p.catch(() => this.#cache.delete(key));
      this.#cache.set(key, p);
    }
    return p;
  }

  /** Adds a value to redact (e.g. a secret obtained elsewhere). Empty strings are ignored. */
  remember(value: string): void {
    this.#held.add(value);
  }

  /** The values resolved so far (for executors that redact by themselves). */
  values(): readonly string[] {
    return this.#held.values();
  }

  /** Replaces every resolved secret value in `text` by "********" (longest values first). */
  redact(text: string): string {
    return this.#held.redact(text);
  }
}
