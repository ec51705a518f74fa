/**
 * `~regex` host patterns run on every host and group name: JavaScript's backtracking engine can take
 * exponential time on a nested quantifier (`(a+)+`, `(a|a)*`). Such patterns are refused before
 * they run (docs/inventory.md "Limits"): a quantified group may hold neither a quantifier nor an
 * alternation, no backreferences, at most 1000 characters. Plain `.*`, classes and alternations
 * outside quantified groups stay allowed — they match in linear time.
 */
export const MAX_REGEX_LENGTH = 1000;

interface Group {
  quantified: boolean;
  alternation: boolean;
}

const QUANT = /^(?:[*+?]|\{\d+(?:,\d*)?\})/;

/** Why a regex could take more than linear time, or null when it is safe by these rules. */
export function regexRisk(source: string): string | null {
  if (source.length > MAX_REGEX_LENGTH) return `longer than ${MAX_REGEX_LENGTH} characters`;
  const stack: Group[] = [{ quantified: false, alternation: false }];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      if (!inClass && /[1-9k]/.test(source[i + 1] ?? '')) return 'a backreference';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push({ quantified: false, alternation: false });
    else if (c === '|') stack[stack.length - 1]!.alternation = true;
    else if (c === ')' && stack.length > 1) {
      const g = stack.pop()!;
      if (QUANT.test(source.slice(i + 1)) && /^[*+{]/.test(source.slice(i + 1)) && (g.quantified || g.alternation)) {
        return g.quantified ? 'a quantifier inside a repeated group, e.g. (a+)+' : 'an alternation inside a repeated group, e.g. (a|ab)*';
      }
      const parent = stack[stack.length - 1]!;
      parent.quantified ||= g.quantified || QUANT.test(source.slice(i + 1));
    } else if (QUANT.test(source.slice(i, i + 12)) && !(c === '?' && source[i - 1] === '(')) stack[stack.length - 1]!.quantified = true;
  }
  return null;
}
