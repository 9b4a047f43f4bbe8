/**
 * Masterminds/goutils 1.1.1's string helpers behind Sprig's abbrev, abbrevboth, initials, untitle,
 * swapcase, nospace, wrap and wrapWith. Several walk the string's bytes as if each were a rune, so
 * they are ported on UTF-8 bytes to give the same (sometimes mangled) output for non-ASCII text.
 */
import { byteSlice, utf8Bytes, utf8String } from "../fmt-quote";
import { isSpace, lowerRune, titleRune, upperRune } from "./gostrings";

const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const TITLE = /^\p{Lt}$/u;

/** A byte read as the rune of the same number, as goutils' rune(str[i]) does. */
function byteRune(b: number): string {
  return String.fromCharCode(b);
}

export function abbreviateFull(s: string, offset: number, maxWidth: number): string {
  if (s === "") return "";
  if (maxWidth < 4) return ""; // the error Sprig drops
  const len = utf8Bytes(s).length;
  if (len <= maxWidth) return s;
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  if (offset <= 4) return byteSlice(s, 0, maxWidth - 3) + "...";
  if (maxWidth < 7) return "";
  if (offset + maxWidth - 3 < len) return "..." + abbreviateFull(byteSlice(s, offset), 0, maxWidth - 3);
  return "..." + byteSlice(s, len - (maxWidth - 3));
}

export function initials(s: string): string {
  if (s === "") return s;
  let out = "";
  let lastWasGap = true;
  for (const b of utf8Bytes(s)) {
    const ch = byteRune(b);
    if (isSpace(ch)) lastWasGap = true;
    else if (lastWasGap) {
      out += ch;
      lastWasGap = false;
    }
  }
  return out;
}

export function uncapitalize(s: string): string {
  let next = true;
  return Array.from(s, (r) => {
    if (isSpace(r)) {
      next = true;
      return r;
    }
    if (next) {
      next = false;
      return lowerRune(r);
    }
    return r;
  }).join("");
}

export function swapCase(s: string): string {
  let whitespace = true;
  return Array.from(s, (r) => {
    if (UPPER.test(r) || TITLE.test(r)) {
      whitespace = false;
      return lowerRune(r);
    }
    if (LOWER.test(r)) {
      if (whitespace) {
        whitespace = false;
        return titleRune(r);
      }
      return upperRune(r);
    }
    whitespace = isSpace(r);
    return r;
  }).join("");
}

export function deleteWhiteSpace(s: string): string {
  const bytes = utf8Bytes(s);
  let out = "";
  let count = 0;
  for (const b of bytes) {
    const ch = byteRune(b);
    if (!isSpace(ch)) {
      out += ch;
      count++;
    }
  }
  return count === bytes.length ? s : out;
}

function lastIndexOfSpace(b: Uint8Array, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (b[i] === 0x20) return i - from;
  return -1;
}

/** WrapCustom: wrap at spaces counting bytes; long words are cut only when wrapLongWords. */
export function wrapCustom(s: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (s === "") return "";
  if (newLine === "") newLine = "\n";
  if (wrapLength < 1) wrapLength = 1;
  const b = utf8Bytes(s);
  const nl = utf8Bytes(newLine);
  const out: number[] = [];
  const write = (from: number, to: number) => out.push(...b.subarray(from, to));
  const len = b.length;
  let offset = 0;
  while (len - offset > wrapLength) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = Math.min(wrapLength + offset + 1, len);
    const spaceToWrapAt = lastIndexOfSpace(b, offset, end) + offset;
    if (spaceToWrapAt >= offset) {
      write(offset, spaceToWrapAt);
      out.push(...nl);
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      write(offset, wrapLength + offset);
      out.push(...nl);
      offset += wrapLength;
    } else {
      const from = wrapLength + offset;
      const index = b.subarray(from).indexOf(0x20);
      if (index === -1) {
        write(offset, len);
        offset = len;
      } else {
        write(offset, index + from);
        out.push(...nl);
        offset = index + from + 1;
      }
    }
  }
  write(offset, len);
  return utf8String(Uint8Array.from(out));
}
