/**
 * Ansible INI values: Ansible runs Python's `ast.literal_eval` on each value and keeps the text when
 * that fails. This is the same for the literals that matter in inventories: ints, floats, True/False/None,
 * quoted strings, lists, tuples and dicts.
 */
import type { JsonValue } from '../types.js';

class Fail extends Error {}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] as string)) this.i++;
  }

  value(): JsonValue {
    this.ws();
    const c = this.s[this.i];
    if (c === '[') return this.seq('[', ']');
    if (c === '(') return this.seq('(', ')');
    if (c === '{') return this.dict();
    if (c === '"' || c === "'") return this.str();
    const m = /^(?:True|False|None)\b/.exec(this.s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      return m[0] === 'True' ? true : m[0] === 'False' ? false : null;
    }
    return this.num();
  }

  num(): number {
    const rest = this.s.slice(this.i);
    const m =
      /^[-+]?\s*(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][-+]?\d(?:_?\d)*)?)/.exec(rest);
    if (!m) throw new Fail();
    const text = m[0].replace(/[\s_]/g, '');
    const neg = text.startsWith('-');
    const body = text.replace(/^[-+]/, '');
    let n: number;
    if (/^0[xob]/i.test(body)) n = Number(body);
    else {
      // Python 3 refuses leading zeros in decimal ints ("010"), but allows "0", "00" and floats.
      if (/^0\d/.test(body) && !/^0+$/.test(body) && !/[.eE]/.test(body)) throw new Fail();
      n = Number(body);
    }
    if (!Number.isFinite(n)) throw new Fail();
    this.i += m[0].length;
    return neg ? -n : n;
  }

  str(): string {
    const q = this.s[this.i] as string;
    this.i++;
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++] as string;
      if (c === q) return out;
      if (c === '\n') throw new Fail();
      if (c === '\\') {
        const e = this.s[this.i++];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (e === undefined) throw new Fail();
        out += map[e] ?? `\\${e}`;
      } else out += c;
    }
    throw new Fail();
  }

  /** A list, or a tuple: "(x)" alone is just x, "(x,)" a tuple. */
  seq(open: string, close: string): JsonValue {
    this.i++;
    const out: JsonValue[] = [];
    let comma = false;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return open === '(' && out.length === 1 && !comma ? (out[0] as JsonValue) : out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        comma = true;
      } else if (this.s[this.i] !== close) throw new Fail();
    }
  }

  dict(): { [k: string]: JsonValue } {
    this.i++;
    const out: { [k: string]: JsonValue } = {};
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const k = this.value();
      if (typeof k !== 'string' && typeof k !== 'number') throw new Fail();
      this.ws();
      if (this.s[this.i] !== ':') throw new Fail(); // a set, not a dict: keep the text
      this.i++;
      out[String(k)] = this.value();
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw new Fail();
    }
  }
}

/** Like Ansible's INI value parsing: the Python literal's value, or the text itself. */
export function parsePythonLiteral(text: string): JsonValue {
  const p = new Parser(text);
  try {
    const v = p.value();
    p.ws();
    // the rest may be a Python comment, as in `x=1 # note`
    if (p.i !== text.length && text[p.i] !== '#') return text;
    return v;
  } catch (e) {
    if (e instanceof Fail) return text;
    throw e;
  }
}
