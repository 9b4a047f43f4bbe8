/**
 * huandu/xstrings' case conversions (convert.go) behind Sprig's snakecase and kebabcase (1.3.3) and
 * camelcase (1.5's ToPascalCase). Ported rune by rune; U+FFFD stands for Go's utf8.RuneError.
 */
import { isSpace, lowerRune, upperRune } from "./gostrings";

const UPPER = /^\p{Lu}$/u;
const LETTER = /^\p{L}$/u;
const PUNCT = /^\p{P}$/u;
const NUMBER = /^\p{N}$/u;
const RUNE_ERROR = "\ufffd";

const isUpper = (r: string) => UPPER.test(r);
const isPunct = (r: string) => PUNCT.test(r);
const isNumber = (r: string) => NUMBER.test(r);

function isConnector(r: string): boolean {
  return r === "-" || r === "_" || isSpace(r);
}

/** A letter that is not a CJK ideograph. */
function isAlphabet(r: string): boolean {
  if (!LETTER.test(r)) return false;
  const c = r.codePointAt(0)!;
  if (c < 0x3400) return true;
  if (c >= 0x4e00 && c <= 0x9fcc) return false;
  if (c >= 0x3400 && c <= 0x4d85) return false;
  if (c >= 0x20000 && c <= 0x2b81d) return false;
  return true;
}

const Word = { Invalid: 0, Number: 1, UpperCase: 2, Alphabet: 3, Connector: 4, Punct: 5, Other: 6 } as const;
type Word = (typeof Word)[keyof typeof Word];

/** The next valid rune from i and how many runes that took (invalid ones are skipped). */
function nextValidRune(rs: string[], i: number, prev: string): [string, number] {
  for (let j = i; j < rs.length; j++) if (rs[j] !== RUNE_ERROR) return [rs[j]!, j - i + 1];
  return [prev, rs.length - i];
}

/** The type of the word starting at i and the index where the rest starts. */
function nextWord(rs: string[], start: number): [Word, number] {
  if (start >= rs.length) return [Word.Invalid, start];
  let [r, size] = nextValidRune(rs, start, RUNE_ERROR);
  let pos = start + size;
  if (r === RUNE_ERROR) return [Word.Invalid, pos];
  const run = (more: (r: string) => boolean) => {
    while (pos < rs.length) {
      [r, size] = nextValidRune(rs, pos, r);
      if (!more(r)) break;
      pos += size;
    }
  };
  if (isConnector(r)) {
    run(isConnector);
    return [Word.Connector, pos];
  }
  if (isPunct(r)) {
    run(isPunct);
    return [Word.Punct, pos];
  }
  if (isUpper(r)) {
    if (pos >= rs.length) return [Word.UpperCase, pos];
    [r, size] = nextValidRune(rs, pos, r);
    if (isUpper(r)) {
      let prevSize = size;
      pos += size;
      while (pos < rs.length) {
        [r, size] = nextValidRune(rs, pos, r);
        if (!isUpper(r)) break;
        prevSize = size;
        pos += size;
      }
      // "HTTPServer": the last capital starts the next word.
      if (pos < rs.length && isAlphabet(r)) pos -= prevSize;
    } else if (isAlphabet(r)) {
      pos += size;
      run((x) => isAlphabet(x) && !isUpper(x));
    }
    return [Word.UpperCase, pos];
  }
  if (isAlphabet(r)) {
    run((x) => isAlphabet(x) && !isUpper(x));
    return [Word.Alphabet, pos];
  }
  if (isNumber(r)) {
    run(isNumber);
    return [Word.Number, pos];
  }
  run((x) => !(isConnector(x) || isAlphabet(x) || isNumber(x) || isPunct(x)));
  return [Word.Other, pos];
}

function caseConvert(s: string, connector: string): string {
  if (s === "") return "";
  const rs = Array.from(s);
  let out = "";
  const toLower = (wt: Word, from: number, to: number) => {
    const word = rs.slice(from, to);
    if (wt !== Word.UpperCase && wt !== Word.Connector) {
      out += word.join("");
      return;
    }
    for (const r of word) out += isConnector(r) ? connector : isUpper(r) ? lowerRune(r) : r;
  };
  let start = 0;
  let [wt, end]: [Word, number] = nextWord(rs, 0);
  // Returns the new word type so that TypeScript does not keep a narrowing from before the call.
  const advance = (): Word => {
    start = end;
    [wt, end] = nextWord(rs, start);
    return wt;
  };
  while (end < rs.length) {
    if (wt !== Word.Connector) toLower(wt, start, end);
    const prev = wt;
    const [lastStart, lastEnd] = [start, end];
    advance();
    switch (prev) {
      case Word.Number:
        while (wt === Word.Alphabet || wt === Word.Number) {
          toLower(wt, start, end);
          advance();
        }
        if (wt !== Word.Invalid && wt !== Word.Punct && wt !== Word.Connector) out += connector;
        break;
      case Word.Connector:
        toLower(prev, lastStart, lastEnd);
        break;
      case Word.Punct:
        break;
      default: {
        if (wt !== Word.Number) {
          if (wt !== Word.Connector && wt !== Word.Punct) out += connector;
          break;
        }
        if (end >= rs.length) break;
        const [numStart, numEnd] = [start, end];
        wt = advance();
        if (wt !== Word.Alphabet) {
          toLower(Word.Number, numStart, numEnd);
          if (wt !== Word.Connector && wt !== Word.Punct) out += connector;
          break;
        }
        out += connector;
        toLower(Word.Number, numStart, numEnd);
        while (wt === Word.Alphabet || wt === Word.Number) {
          toLower(wt, start, end);
          advance();
        }
        if (wt !== Word.Invalid && wt !== Word.Connector && wt !== Word.Punct) out += connector;
      }
    }
  }
  toLower(wt, start, end);
  return out;
}

export function toSnakeCase(s: string): string {
  return caseConvert(s, "_");
}

export function toKebabCase(s: string): string {
  return caseConvert(s, "-");
}

/**
 * camelcase: Sprig 3.3.0 maps it to xstrings 1.5's ToPascalCase. Connectors go, the rune after one is
 * upper-cased, and a run of capitals after an upper-case first rune is lowered ("HTTP_server" gives
 * "HttpServer").
 */
export function toPascalCase(s: string): string {
  if (s === "") return "";
  const rs = Array.from(s);
  let out = "";
  let i = 0;
  let r0 = "";
  let firstUpper = false;
  while (i < rs.length) {
    r0 = rs[i++]!;
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = upperRune(r0);
      break;
    }
    out += r0;
  }
  if (i >= rs.length) return out + r0;
  while (i < rs.length) {
    const r1 = r0;
    r0 = rs[i++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = upperRune(r0);
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = lowerRune(r0);
        else firstUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}
