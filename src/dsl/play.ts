import type { HostView, Play, PlayOptions, Playbook, Task } from '../types.js';

/** A play: which hosts, how (serial, order, tags), and the tasks each host gets. */
export function play(name: string, options: PlayOptions, tasks: (host: HostView) => readonly Task[]): Play {
  return { type: 'play', name, options, tasks };
}

/** A playbook is a value (the default export of the user's file), never a side effect. */
export function playbook(name: string, plays: readonly Play[]): Playbook {
  return { type: 'playbook', name, plays };
}

export function isPlaybook(v: unknown): v is Playbook {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'playbook' && Array.isArray((v as Playbook).plays);
}
