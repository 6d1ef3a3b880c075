/*
 * Just enough of a parser for RE2 regular expressions to judge their shape: groups, alternations,
 * repetitions and the characters each piece can start with. It over-approximates on purpose
 * (Unicode classes, POSIX classes and `.` count as "any character"), because it only feeds the
 * safety checker in safe-regex.ts, where "might overlap" must be treated as "overlaps".
 */

const maxCodePoint = 0x10ffff;

/** Sorted, non-overlapping inclusive code point ranges, flattened: [lo0, hi0, lo1, hi1, …]. */
export type CharSet = readonly number[];

export const anyChar: CharSet = [0, maxCodePoint];
const digit: CharSet = [48, 57];
const word: CharSet = [48, 57, 65, 90, 95, 95, 97, 122];
const space: CharSet = [9, 10, 12, 13, 32, 32]; // RE2's \s: \t \n \f \r and space, not \v

function normaliseSet(pairs: number[]): CharSet {
  const ranges: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) ranges.push([pairs[i] as number, pairs[i + 1] as number]);
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [lo, hi] of ranges) {
    const last = merged.length - 1;
    if (last > 0 && lo <= (merged[last] as number) + 1) merged[last] = Math.max(merged[last] as number, hi);
    else merged.push(lo, hi);
  }
  return merged;
}

export function unionSets(a: CharSet, b: CharSet): CharSet {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return normaliseSet([...a, ...b]);
}

function complementSet(set: CharSet): CharSet {
  const result: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i] as number;
    if (lo > next) result.push(next, lo - 1);
    next = (set[i + 1] as number) + 1;
  }
  if (next <= maxCodePoint) result.push(next, maxCodePoint);
  return result;
}

/** The lowest code point both sets contain, or null when they are disjoint. */
export function firstCommonChar(a: CharSet, b: CharSet): number | null {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i] as number, b[j] as number);
    const hi = Math.min(a[i + 1] as number, b[j + 1] as number);
    if (lo <= hi) return lo;
    if ((a[i + 1] as number) < (b[j + 1] as number)) i += 2;
    else j += 2;
  }
  return null;
}

/**
 * The set a case-insensitive match can reach. ASCII letters gain their other case (plus the
 * Kelvin sign and long s, which RE2 folds onto k and s); any non-ASCII range is widened to every
 * non-ASCII character and every ASCII letter, since exact Unicode folding is not worth modelling.
 */
function foldCase(set: CharSet): CharSet {
  const extra: number[] = [];
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i] as number;
    const hi = set[i + 1] as number;
    for (const [from, to, delta] of [
      [65, 90, 32],
      [97, 122, -32],
    ] as const) {
      const a = Math.max(lo, from);
      const b = Math.min(hi, to);
      if (a <= b) extra.push(a + delta, b + delta);
    }
    if ((lo <= 75 && hi >= 75) || (lo <= 107 && hi >= 107)) extra.push(0x212a, 0x212a);
    if ((lo <= 83 && hi >= 83) || (lo <= 115 && hi >= 115)) extra.push(0x17f, 0x17f);
    if (hi >= 128) extra.push(65, 90, 97, 122, 128, maxCodePoint);
  }
  return extra.length === 0 ? set : unionSets(set, normaliseSet(extra));
}

export type RegexNode =
  | { kind: "chars"; set: CharSet }
  /** Zero-width: anchors, word boundaries, flag groups such as (?i), empty groups. */
  | { kind: "empty" }
  | { kind: "sequence"; items: RegexNode[] }
  | { kind: "alternation"; branches: RegexNode[]; start: number; end: number }
  | { kind: "group"; body: RegexNode }
  | { kind: "repeat"; body: RegexNode; min: number; max: number; start: number; end: number };

/** A construct the checker refuses for what it is (backreference, lookaround), with a reason. */
export class UnsupportedRegexConstruct extends Error {}

/** The pattern is not valid RE2 syntax as this parser reads it. */
export class RegexSyntaxError extends Error {}

const simpleEscapes: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7 };

class Parser {
  pos = 0;
  caseInsensitive = false;

  constructor(readonly pattern: string) {}

  parse(): RegexNode {
    const node = this.parseAlternation();
    if (this.pos < this.pattern.length) throw new RegexSyntaxError(`unexpected ")" at ${this.pos}`);
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.pattern[this.pos + offset];
  }

  private startsWith(text: string): boolean {
    return this.pattern.startsWith(text, this.pos);
  }

  private parseAlternation(): RegexNode {
    const start = this.pos;
    const branches = [this.parseSequence()];
    while (this.peek() === "|") {
      this.pos++;
      branches.push(this.parseSequence());
    }
    return branches.length === 1 ? (branches[0] as RegexNode) : { kind: "alternation", branches, start, end: this.pos };
  }

  private parseSequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.pattern.length && this.peek() !== "|" && this.peek() !== ")") {
      const start = this.pos;
      let atom = this.parseAtom();
      for (;;) {
        const repeat = this.parseQuantifier();
        if (!repeat) break;
        atom = { kind: "repeat", body: atom, min: repeat.min, max: repeat.max, start, end: this.pos };
      }
      items.push(atom);
    }
    return items.length === 1 ? (items[0] as RegexNode) : { kind: "sequence", items };
  }

  private parseQuantifier(): { min: number; max: number } | null {
    const c = this.peek();
    let bounds: { min: number; max: number } | null = null;
    if (c === "*") bounds = { min: 0, max: Infinity };
    else if (c === "+") bounds = { min: 1, max: Infinity };
    else if (c === "?") bounds = { min: 0, max: 1 };
    if (bounds) this.pos++;
    else if (c === "{") {
      // RE2 reads a `{` that does not form a repeat count as a literal character.
      const counted = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.pattern.slice(this.pos));
      if (!counted) return null;
      const min = Number(counted[1]);
      const max = counted[2] === undefined ? min : counted[3] === "" ? Infinity : Number(counted[3]);
      bounds = { min, max };
      this.pos += counted[0].length;
    } else return null;
    if (this.peek() === "?") this.pos++; // lazy: same shape
    return bounds;
  }

  private parseAtom(): RegexNode {
    const c = this.peek() as string;
    if (c === "(") return this.parseGroup();
    if (c === "[") return { kind: "chars", set: this.parseClass() };
    if (c === "\\") return this.parseEscape();
    if (c === "*" || c === "+" || c === "?") throw new RegexSyntaxError(`missing argument to repetition operator ${c}`);
    if (c === "." || c === "^" || c === "$") {
      this.pos++;
      return c === "." ? { kind: "chars", set: anyChar } : { kind: "empty" };
    }
    return { kind: "chars", set: this.literal() };
  }

  /** The literal character at `pos`, consumed; a surrogate pair is one character to RE2. */
  private literal(): CharSet {
    const code = this.pattern.codePointAt(this.pos) as number;
    this.pos += code > 0xffff ? 2 : 1;
    return this.fold([code, code]);
  }

  private parseGroup(): RegexNode {
    this.pos++; // (
    if (this.peek() === "?") {
      if (this.startsWith("?=") || this.startsWith("?!")) {
        throw new UnsupportedRegexConstruct("Lookahead such as (?=…) or (?!…) is not supported");
      }
      if (this.startsWith("?<=") || this.startsWith("?<!")) {
        throw new UnsupportedRegexConstruct("Lookbehind such as (?<=…) or (?<!…) is not supported");
      }
      if (this.startsWith("?P=") || this.startsWith("?P>")) {
        throw new UnsupportedRegexConstruct("Backreferences such as (?P=name) are not supported");
      }
      const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(this.pattern.slice(this.pos));
      if (named) this.pos += named[0].length;
      else if (this.startsWith("?:")) this.pos += 2;
      else {
        const flags = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(this.pattern.slice(this.pos));
        if (!flags) throw new RegexSyntaxError(`unknown group syntax at ${this.pos - 1}`);
        this.pos += flags[0].length;
        // Scoped or not, a case-insensitive flag anywhere folds everything after it: wider sets
        // only make the checker stricter, never more lenient.
        if (flags[1]?.includes("i")) this.caseInsensitive = true;
        if (flags[3] === ")") return { kind: "empty" };
      }
    }
    const body = this.parseAlternation();
    if (this.peek() !== ")") throw new RegexSyntaxError("missing closing )");
    this.pos++;
    return { kind: "group", body };
  }

  private parseEscape(): RegexNode {
    this.pos++; // backslash
    const c = this.peek();
    if (c === undefined) throw new RegexSyntaxError("trailing backslash");
    // RE2 reads \12 and \123 as octal character codes; a lone \1 … \9 is a backreference.
    const octal = /[1-7]/.test(c) && /[0-7]/.test(this.peek(1) ?? "");
    if (/[1-9]/.test(c) && !octal) throw new UnsupportedRegexConstruct(`Backreferences such as \\${c} are not supported`);
    if (c === "k" && this.peek(1) === "<") throw new UnsupportedRegexConstruct("Backreferences such as \\k<name> are not supported");
    if ("bBAz".includes(c)) {
      this.pos++;
      return { kind: "empty" };
    }
    if (c === "Q") {
      // \Q…\E quotes literal text.
      const end = this.pattern.indexOf("\\E", this.pos + 1);
      const text = this.pattern.slice(this.pos + 1, end === -1 ? undefined : end);
      this.pos = end === -1 ? this.pattern.length : end + 2;
      const items: RegexNode[] = [...text].map((ch) => ({ kind: "chars", set: this.fold([ch.codePointAt(0) as number, ch.codePointAt(0) as number]) }));
      return items.length === 0 ? { kind: "empty" } : { kind: "sequence", items };
    }
    return { kind: "chars", set: this.parseEscapedChars() };
  }

  private fold(set: CharSet): CharSet {
    return this.caseInsensitive ? foldCase(set) : set;
  }

  /** An escape that stands for characters, inside or outside a class; `pos` is after the `\`. */
  private parseEscapedChars(): CharSet {
    const c = this.peek() as string;
    this.pos++;
    switch (c) {
      case "d":
        return digit;
      case "D":
        return complementSet(digit);
      case "w":
        return this.fold(word);
      case "W":
        return complementSet(word);
      case "s":
        return space;
      case "S":
        return complementSet(space);
      case "p":
      case "P":
        // \pL or \p{Greek}: Unicode classes are "anything" to this checker.
        if (this.peek() === "{") {
          const close = this.pattern.indexOf("}", this.pos);
          if (close === -1) throw new RegexSyntaxError("missing closing } in \\p{…}");
          this.pos = close + 1;
        } else this.pos++;
        return anyChar;
      case "x": {
        const hex = /^(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{2}))/.exec(this.pattern.slice(this.pos));
        if (!hex) throw new RegexSyntaxError("invalid \\x escape");
        this.pos += hex[0].length;
        const code = parseInt((hex[1] ?? hex[2]) as string, 16);
        return this.fold([code, code]);
      }
      case "C":
        return anyChar;
      case "0":
      case "1":
      case "2":
      case "3":
      case "4":
      case "5":
      case "6":
      case "7": {
        const octal = /^[0-7]{0,2}/.exec(this.pattern.slice(this.pos))?.[0] ?? "";
        this.pos += octal.length;
        const code = parseInt(`${c}${octal}`, 8);
        return this.fold([code, code]);
      }
      default: {
        const simple = simpleEscapes[c];
        if (simple !== undefined) return [simple, simple];
        if (/[A-Za-z0-9]/.test(c)) throw new RegexSyntaxError(`invalid escape \\${c}`);
        this.pos--;
        return this.literal();
      }
    }
  }

  private parseClass(): CharSet {
    this.pos++; // [
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.pos++;
    }
    let set: CharSet = [];
    let first = true;
    while (this.peek() !== "]" || first) {
      first = false;
      if (this.pos >= this.pattern.length) throw new RegexSyntaxError("missing closing ]");
      const posix = /^\[:\^?[a-z]+:\]/.exec(this.pattern.slice(this.pos));
      if (posix) {
        this.pos += posix[0].length;
        set = anyChar;
        continue;
      }
      const from = this.parseClassChar();
      if (typeof from !== "number") {
        set = unionSets(set, from);
        continue;
      }
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined) {
        this.pos++;
        const to = this.parseClassChar();
        if (typeof to !== "number" || to < from) throw new RegexSyntaxError("invalid character class range");
        set = unionSets(set, [from, to]);
      } else set = unionSets(set, [from, from]);
    }
    this.pos++; // ]
    set = this.fold(set);
    return negated ? complementSet(set) : set;
  }

  /** One class member: a code point (which may start a range) or a set such as \d. */
  private parseClassChar(): number | CharSet {
    const c = this.peek() as string;
    if (c !== "\\") {
      const code = c.codePointAt(0) as number;
      this.pos += code > 0xffff ? 2 : 1;
      return code;
    }
    this.pos++;
    const escaped = this.peek();
    if (escaped === undefined) throw new RegexSyntaxError("trailing backslash");
    const set = this.parseEscapedChars();
    const single = set.length === 2 && set[0] === set[1] && !"dDwWsSpP".includes(escaped);
    return single ? (set[0] as number) : set;
  }
}

/** The structure of an RE2 pattern; throws UnsupportedRegexConstruct or RegexSyntaxError. */
export function parseRegexStructure(pattern: string): RegexNode {
  return new Parser(pattern).parse();
}

/** The characters a node can start with, and whether it can match the empty string. */
export function describeFirstChars(node: RegexNode): { set: CharSet; nullable: boolean } {
  switch (node.kind) {
    case "chars":
      return { set: node.set, nullable: false };
    case "empty":
      return { set: [], nullable: true };
    case "group":
      return describeFirstChars(node.body);
    case "repeat": {
      const body = describeFirstChars(node.body);
      return { set: body.set, nullable: body.nullable || node.min === 0 };
    }
    case "alternation":
      return node.branches.reduce<{ set: CharSet; nullable: boolean }>(
        (acc, branch) => {
          const first = describeFirstChars(branch);
          return { set: unionSets(acc.set, first.set), nullable: acc.nullable || first.nullable };
        },
        { set: [], nullable: false },
      );
    case "sequence": {
      let set: CharSet = [];
      for (const item of node.items) {
        const first = describeFirstChars(item);
        set = unionSets(set, first.set);
        if (!first.nullable) return { set, nullable: false };
      }
      return { set, nullable: true };
    }
  }
}
