/** OpenSSH's host patterns (ssh_config `Host`/`Match`, known_hosts host fields): `*`, `?`, `!`, lists. */

const ASCII = /^[\x00-\x7f]*$/;

/** Whether `s` is ASCII: its case folds as toLowerCase() folds it (a plain name compares without a regex). */
export const isAscii = (s: string): boolean => ASCII.test(s);

/** OpenSSH's pattern match: `*` and `?`, case-insensitive (host names are lower-cased). */
export function globMatch(pattern: string, name: string): boolean {
  // most patterns are plain names (known_hosts lines of other hosts, per connection): no regex for them
  if (!/[*?]/.test(pattern) && isAscii(pattern) && isAscii(name)) return pattern.toLowerCase() === name.toLowerCase();
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'is').test(name);
}

/**
 * A pattern list: some positive pattern matches and no negated (`!`) one does. Each string is a
 * comma-separated list (known_hosts, `Match host a,b`) unless `commas` is false (a `Host` line,
 * whose patterns are its whitespace-separated words, as OpenSSH reads it).
 */
export function patternListMatches(patterns: readonly string[], name: string, commas = true): boolean {
  let matched = false;
  for (const p of commas ? patterns.flatMap((s) => s.split(',')) : patterns) {
    if (!p) continue;
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) {
      matched = true;
    }
  }
  return matched;
}
