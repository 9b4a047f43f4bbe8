/**
 * Go's path/filepath.Match on Unix ('/' separator, '\\' escapes), which .helmignore rules use.
 * Ported chunk by chunk so that malformed patterns fail exactly where Go's do.
 */
export const ErrBadPattern = "syntax error in pattern";

function scanChunk(pattern: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let p = pattern;
  let star = false;
  while (p.length > 0 && p[0] === "*") {
    p = p.slice(1);
    star = true;
  }
  let inrange = false;
  let i = 0;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case "\\":
        if (i + 1 < p.length) i++;
        break;
      case "[":
        inrange = true;
        break;
      case "]":
        inrange = false;
        break;
      case "*":
        if (!inrange) break scan;
        break;
    }
  }
  return { star, chunk: p.slice(0, i), rest: p.slice(i) };
}

function getEsc(chunk: string[]): { r: string; rest: string[] } {
  if (chunk.length === 0 || chunk[0] === "-" || chunk[0] === "]") throw new Error(ErrBadPattern);
  let c = chunk;
  if (c[0] === "\\") {
    c = c.slice(1);
    if (c.length === 0) throw new Error(ErrBadPattern);
  }
  const rest = c.slice(1);
  if (rest.length === 0) throw new Error(ErrBadPattern);
  return { r: c[0]!, rest };
}

/** matchChunk: the rest of `s` after the chunk, or null; throws on a malformed chunk. */
function matchChunk(chunk: string[], s: string[]): string[] | null {
  let failed = false;
  let c = chunk;
  let rest = s;
  while (c.length > 0) {
    if (!failed && rest.length === 0) failed = true;
    const head = c[0]!;
    if (head === "[") {
      let r = -1;
      if (!failed) {
        r = rest[0]!.codePointAt(0)!;
        rest = rest.slice(1);
      }
      c = c.slice(1);
      let negated = false;
      if (c.length > 0 && c[0] === "^") {
        negated = true;
        c = c.slice(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (c.length > 0 && c[0] === "]" && nrange > 0) {
          c = c.slice(1);
          break;
        }
        const lo = getEsc(c);
        c = lo.rest;
        let hi = lo.r;
        if (c[0] === "-") {
          const h = getEsc(c.slice(1));
          hi = h.r;
          c = h.rest;
        }
        if (lo.r.codePointAt(0)! <= r && r <= hi.codePointAt(0)!) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (head === "?") {
      if (!failed) {
        if (rest[0] === "/") failed = true;
        rest = rest.slice(1);
      }
      c = c.slice(1);
    } else {
      if (head === "\\") {
        c = c.slice(1);
        if (c.length === 0) throw new Error(ErrBadPattern);
      }
      if (!failed) {
        if (c[0] !== rest[0]) failed = true;
        rest = rest.slice(1);
      }
      c = c.slice(1);
    }
  }
  return failed ? null : rest;
}

/** filepath.Match(pattern, name); throws Error(ErrBadPattern) where Go returns ErrBadPattern. */
export function pathMatch(pattern: string, name: string): boolean {
  let p = [...pattern];
  let n = [...name];
  pattern: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return !n.includes("/");
    let err: unknown = null;
    let t: string[] | null = null;
    try {
      t = matchChunk(chunk, n);
    } catch (e) {
      err = e;
    }
    if (t !== null && (t.length === 0 || p.length > 0)) {
      n = t;
      continue;
    }
    if (err) throw err;
    if (star) {
      for (let i = 0; i < n.length && n[i] !== "/"; i++) {
        const t2 = matchChunk(chunk, n.slice(i + 1));
        if (t2 !== null) {
          if (p.length === 0 && t2.length > 0) continue;
          n = t2;
          continue pattern;
        }
      }
    }
    return false;
  }
  return n.length === 0;
}
