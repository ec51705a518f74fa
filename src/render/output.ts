/**
 * `lvs-play render` output: one text per host (every task in run order with its settings and the
 * files it writes), and `--out DIR`: one folder per host — `DIR/HOST/settings.txt` and each file
 * under `DIR/HOST/files/PATH` — byte-identical for the same site (no time, no random order).
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { LvsError } from '../errors.js';
import type { RenderedFile, RenderedHost, RenderedTask } from './desired.js';

/** The marker file `--out` leaves, so a later run may replace the folder it wrote (and nothing else). */
export const RENDER_MARKER = '.lvs-play-render';

const octal = (m: number): string => `0${m.toString(8).padStart(3, '0')}`;

function attrs(f: RenderedFile): string {
  const a = [f.mode !== undefined ? `mode ${octal(f.mode)}` : '', f.owner !== undefined || f.group !== undefined ? `${f.owner ?? '-'}:${f.group ?? '-'}` : '', f.only ? `only on ${f.only}` : ''];
  return a.filter(Boolean).join(', ');
}

/** Where a host's file lands under its folder: files/PATH (a second file at one path: PATH~2 …). */
export function filePlaces(host: RenderedHost): Map<RenderedFile, string> {
  const out = new Map<RenderedFile, string>();
  const used = new Set<string>();
  for (const t of host.tasks) {
    for (const f of t.files) {
      const base = posix.join('files', posix.normalize(`/${f.path}`).slice(1));
      let place = base;
      for (let i = 2; used.has(place); i++) place = `${base}~${i}`;
      used.add(place);
      out.set(f, place);
    }
  }
  return out;
}

function taskLines(t: RenderedTask, places: Map<RenderedFile, string>): string[] {
  const head = `${t.handler ? 'handler: ' : ''}${t.role ? `${t.role} | ` : ''}${t.resource}${t.enabled ? '' : '  (skipped: condition false)'}`;
  const body = [
    ...t.settings.map((s) => `    ${s}`),
    ...t.files.map((f) => `    file ${f.path}${attrs(f) ? ` (${attrs(f)})` : ''} → ${places.get(f)}`),
  ];
  if (!t.described) body.push(`    (${t.kind}: desired state not described; see --check --diff)`);
  return [`  ${head}`, ...body];
}

/** A host's settings.txt: every task, play by play, in run order. */
export function hostSummary(host: RenderedHost, source: string): string {
  const places = filePlaces(host);
  const lines = [`# lvs-play render: ${host.name} (${host.address}), ${source}`, '# every setting and file this host would get, in run order (files under files/); secrets masked'];
  let play: string | null = null;
  for (const t of host.tasks) {
    if (t.play !== play) {
      play = t.play;
      lines.push('', `PLAY [${play}]`);
    }
    lines.push(...taskLines(t, places));
  }
  return `${lines.join('\n')}\n`;
}

/** Everything as one text (stdout): each host's summary followed by its files. */
export function renderText(hosts: readonly RenderedHost[], source: string): string {
  const parts: string[] = [];
  for (const h of hosts) {
    parts.push(`===== ${h.name} =====\n${hostSummary(h, source)}`);
    for (const [f, place] of filePlaces(h)) parts.push(`----- ${h.name}:${f.path} (${place}${attrs(f) ? `; ${attrs(f)}` : ''})\n${f.content}${f.content.endsWith('\n') || f.content === '' ? '' : '\n'}`);
  }
  return parts.join('\n');
}

/** A host name as a folder name (inventory names are plain; anything else is escaped). */
const folder = (name: string): string => name.replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

async function clearOut(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (entries === null || entries.length === 0) return;
  if (!entries.includes(RENDER_MARKER)) {
    throw new LvsError('E_USAGE', `--out ${dir} exists and was not written by lvs-play render`, { file: 'command line', fix: 'give a new or empty folder (a folder render wrote is replaced whole)' });
  }
  for (const e of entries) await rm(join(dir, e), { recursive: true, force: true });
}

/** `--out DIR`: DIR/HOST/settings.txt and DIR/HOST/files/…; a folder render wrote before is replaced whole. */
export async function writeRenderDir(dir: string, hosts: readonly RenderedHost[], source: string): Promise<string[]> {
  if ((await stat(dir).catch(() => null))?.isFile()) throw new LvsError('E_USAGE', `--out ${dir} is a file`, { file: 'command line', fix: 'give a folder' });
  await clearOut(dir);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const h of hosts) {
    const root = join(dir, folder(h.name));
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'settings.txt'), hostSummary(h, source));
    written.push(join(folder(h.name), 'settings.txt'));
    for (const [f, place] of filePlaces(h)) {
      await mkdir(join(root, posix.dirname(place)), { recursive: true });
      await writeFile(join(root, place), f.content);
      written.push(join(folder(h.name), place));
    }
  }
  await writeFile(join(dir, RENDER_MARKER), `lvs-play render output (${source}); replaced whole by the next render into this folder\n`);
  return written;
}
