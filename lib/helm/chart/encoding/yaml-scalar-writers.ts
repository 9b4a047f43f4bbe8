import type { Emitter } from "./yaml-emitter";
import { codePoints, isBreak, isPrintable } from "./yaml-scalar-analysis";

/**
 * The scalar writers of yaml.v2's emitterc.go. Long plain and quoted scalars are folded at a space
 * once the column passes 80, exactly where libyaml folds them, so the text matches byte for byte.
 */

/** Line breaks as libyaml's is_break knows them. */
const BREAK = /[\r\n\u0085\u2028\u2029]/;
const SURROGATE = /[\uD800-\uDFFF]/;

export function writePlain(e: Emitter, value: string, allowBreaks: boolean): void {
  if (!e.whitespace && !(e.v3 && value === "")) e.put(" ");
  // Without line breaks, and without a space where the line could fold (past the best width), the
  // loop below writes every character as it is: write the whole text at once.
  const length = SURROGATE.test(value) ? [...value].length : value.length;
  if (!BREAK.test(value) && (!allowBreaks || !value.includes(" ") || e.column + length <= e.bestWidth + 1)) {
    e.out += value;
    e.column += length;
    if (!(e.v3 && value === "")) e.whitespace = false;
    e.indention = false;
    if (e.rootContext) e.openEnded = true;
    return;
  }
  const cps = codePoints(value);
  let spaces = false;
  let breaks = false;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    const ch = String.fromCodePoint(c);
    if (c === 0x20) {
      if (allowBreaks && !spaces && e.column > e.bestWidth && cps[i + 1] !== 0x20) e.writeIndent();
      else e.write(ch);
      spaces = true;
    } else if (isBreak(c)) {
      if (!breaks && c === 0x0a) e.putBreak();
      e.writeBreak(ch);
      e.indention = true;
      breaks = true;
    } else {
      if (breaks) e.writeIndent();
      e.write(ch);
      e.indention = false;
      spaces = false;
      breaks = false;
    }
  }
  if (!(e.v3 && value === "")) e.whitespace = false;
  e.indention = false;
  if (e.rootContext) e.openEnded = true;
}

export function writeSingleQuoted(e: Emitter, value: string, allowBreaks: boolean): void {
  e.writeIndicator("'", true, false, false);
  const cps = codePoints(value);
  let spaces = false;
  let breaks = false;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    const ch = String.fromCodePoint(c);
    if (c === 0x20) {
      const fold = allowBreaks && !spaces && e.column > e.bestWidth && i > 0 && i < cps.length - 1;
      if (fold && cps[i + 1] !== 0x20) e.writeIndent();
      else e.write(ch);
      spaces = true;
    } else if (isBreak(c)) {
      if (!breaks && c === 0x0a) e.putBreak();
      e.writeBreak(ch);
      e.indention = true;
      breaks = true;
    } else {
      if (breaks) e.writeIndent();
      if (ch === "'") e.put("'");
      e.write(ch);
      e.indention = false;
      spaces = false;
      breaks = false;
    }
  }
  e.writeIndicator("'", false, false, false);
  e.whitespace = false;
  e.indention = false;
}

const SHORT_ESCAPES: Record<number, string> = {
  0x00: "0",
  0x07: "a",
  0x08: "b",
  0x09: "t",
  0x0a: "n",
  0x0b: "v",
  0x0c: "f",
  0x0d: "r",
  0x1b: "e",
  0x22: '"',
  0x5c: "\\",
  0x85: "N",
  0xa0: "_",
  0x2028: "L",
  0x2029: "P",
};

function escape(c: number): string {
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return short;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `x${hex.padStart(2, "0")}`;
  if (c <= 0xffff) return `u${hex.padStart(4, "0")}`;
  return `U${hex.padStart(8, "0")}`;
}

export function writeDoubleQuoted(e: Emitter, value: string, allowBreaks: boolean): void {
  e.writeIndicator('"', true, false, false);
  const cps = codePoints(value);
  // libyaml's is_bom looks at the start of the value, not at the current character.
  const startsWithBom = cps[0] === 0xfeff;
  let spaces = false;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (!isPrintable(c) || startsWithBom || isBreak(c) || c === 0x22 || c === 0x5c) {
      for (const x of `\\${escape(c)}`) e.put(x);
      spaces = false;
    } else if (c === 0x20) {
      if (allowBreaks && !spaces && e.column > e.bestWidth && i > 0 && i < cps.length - 1) {
        e.writeIndent();
        if (cps[i + 1] === 0x20) e.put("\\");
      } else {
        e.write(" ");
      }
      spaces = true;
    } else {
      e.write(String.fromCodePoint(c));
      spaces = false;
    }
  }
  e.writeIndicator('"', false, false, false);
  e.whitespace = false;
  e.indention = false;
}

function blockScalarHints(e: Emitter, cps: number[]): void {
  if (cps[0] === 0x20 || isBreak(cps[0])) e.writeIndicator(String(e.bestIndent), false, false, false);
  e.openEnded = false;
  let chomp = "";
  if (cps.length === 0) chomp = "-";
  else if (!isBreak(cps[cps.length - 1])) chomp = "-";
  else if (cps.length === 1) {
    chomp = "+";
    e.openEnded = true;
  } else if (isBreak(cps[cps.length - 2])) {
    chomp = "+";
    e.openEnded = true;
  }
  if (chomp) e.writeIndicator(chomp, false, false, false);
}

export function writeLiteral(e: Emitter, value: string): void {
  e.writeIndicator("|", true, false, false);
  const cps = codePoints(value);
  blockScalarHints(e, cps);
  // yaml.v3 leaves the line break to the first line's indentation.
  if (!e.v3) {
    e.putBreak();
    e.indention = true;
  }
  e.whitespace = true;
  let breaks = true;
  for (const c of cps) {
    const ch = String.fromCodePoint(c);
    if (isBreak(c)) {
      e.writeBreak(ch);
      e.indention = true;
      breaks = true;
    } else {
      if (breaks) e.writeIndent();
      e.write(ch);
      e.indention = false;
      breaks = false;
    }
  }
}
