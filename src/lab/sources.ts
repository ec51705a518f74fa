/**
 * Offline sources for the lab: keepalived's upstream tarball, fetched once from the Debian archive
 * the machine already uses (`apt-get source --download-only` with a private deb-src list, so the
 * machine's own apt lists stay untouched), judged by its sha256 — never fetched from anywhere else.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './exec.js';
import { cacheDir } from './paths.js';

export const KEEPALIVED_VERSION = '2.2.7';
export const KEEPALIVED_TARBALL = `keepalived_${KEEPALIVED_VERSION}.orig.tar.gz`;
export const KEEPALIVED_SHA256 = 'c61940d874154a560a54627ecf7ef47adebdf832164368d10bf242a4d9b7d49d';

/** Where lab sources are cached (`$LVS_PLAY_CACHE_DIR/sources`). */
export function sourcesDir(): string {
  return join(cacheDir(), 'sources');
}

function sha256File(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

/**
 * The machine's deb sources turned into deb-src (deb822 `.sources` files and one-line `.list`
 * files both). Pure (exported for tests).
 */
export function debSrcFrom(files: readonly { name: string; text: string }[]): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const f of files) {
    if (f.name.endsWith('.sources')) {
      out.push({ name: f.name, text: f.text.replace(/^Types:\s*deb\s*$/gm, 'Types: deb-src') });
    } else if (f.name.endsWith('.list')) {
      const lines = f.text.split('\n').filter((l) => /^\s*deb\s/.test(l)).map((l) => l.replace(/^\s*deb\s/, 'deb-src '));
      if (lines.length) out.push({ name: f.name, text: `${lines.join('\n')}\n` });
    }
  }
  return out;
}

function machineSources(): { name: string; text: string }[] {
  const files: { name: string; text: string }[] = [];
  if (existsSync('/etc/apt/sources.list')) files.push({ name: 'sources.list.list', text: readFileSync('/etc/apt/sources.list', 'utf8') });
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) {
    for (const n of readdirSync(dir).sort()) {
      if (n.endsWith('.sources') || n.endsWith('.list')) files.push({ name: n, text: readFileSync(join(dir, n), 'utf8') });
    }
  }
  return files;
}

let pending: Promise<string> | undefined;

/**
 * The keepalived 2.2.7 tarball in the cache (`/var/cache/lvs-play/sources/keepalived_2.2.7.orig.tar.gz`),
 * downloaded through apt when missing. Resolves to its path once its sha256 is the expected one;
 * rejects otherwise (a wrong file is never kept under that name).
 */
export function ensureKeepalivedTarball(): Promise<string> {
  pending ??= fetchTarball().finally(() => {
    pending = undefined;
  });
  return pending;
}

async function fetchTarball(): Promise<string> {
  const dir = sourcesDir();
  const dest = join(dir, KEEPALIVED_TARBALL);
  if (sha256File(dest) === KEEPALIVED_SHA256) return dest;
  const aptDir = join(dir, 'apt');
  mkdirSync(join(aptDir, 'lists', 'partial'), { recursive: true });
  const parts = join(aptDir, 'sources.list.d');
  rmSync(parts, { recursive: true, force: true });
  mkdirSync(parts, { recursive: true });
  const src = debSrcFrom(machineSources());
  if (src.length === 0) throw new Error('lab sources: no apt sources on this machine to derive a deb-src list from');
  for (const f of src) writeFileSync(join(parts, f.name), f.text);
  const opts = ['-o', 'Dir::Etc::SourceList=/dev/null', '-o', `Dir::Etc::SourceParts=${parts}`, '-o', `Dir::State::Lists=${join(aptDir, 'lists')}`];
  const update = await exec(['apt-get', ...opts, '-q', 'update'], { timeoutMs: 300_000 });
  if (update.code !== 0) throw new Error(`lab sources: apt-get update (deb-src) failed (exit ${update.code}): ${update.stderr.trim().split('\n').slice(-5).join('\n')}`);
  // apt-get source downloads into the current directory: a private temp dir, renamed on success
  const work = mkdtempSync(join(dir, '.fetch-'));
  try {
    // apt exits non-zero on the .debian.tar.xz it cannot unpack: judge by the tarball's sha256
    const r = await exec(['sh', '-c', 'cd "$1" && shift && exec apt-get "$@" -q source --download-only keepalived', 'sh', work, ...opts], { timeoutMs: 300_000 });
    const got = join(work, KEEPALIVED_TARBALL);
    const sha = sha256File(got);
    if (sha !== KEEPALIVED_SHA256) {
      const why = sha === null ? 'not downloaded' : `sha256 ${sha}`;
      throw new Error(`lab sources: ${KEEPALIVED_TARBALL} ${why}, expected sha256 ${KEEPALIVED_SHA256} (apt-get source exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')})`);
    }
    renameSync(got, dest);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (sha256File(dest) !== KEEPALIVED_SHA256) throw new Error(`lab sources: ${dest} changed while it was stored`);
  return dest;
}
