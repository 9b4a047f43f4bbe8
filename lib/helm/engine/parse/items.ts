/**
 * The lexer's tokens (items) and character classes, as in Go's text/template/parse lex.go.
 */
import { quote, utf8Length } from "./quote";

export const ItemType = {
  Error: 0,
  Bool: 1,
  Char: 2,
  CharConstant: 3,
  Comment: 4,
  Complex: 5,
  Assign: 6,
  Declare: 7,
  EOF: 8,
  Field: 9,
  Identifier: 10,
  LeftDelim: 11,
  LeftParen: 12,
  Number: 13,
  Pipe: 14,
  RawString: 15,
  RightDelim: 16,
  RightParen: 17,
  Space: 18,
  String: 19,
  Text: 20,
  Variable: 21,
  // Keywords come after all the rest.
  Keyword: 22,
  Block: 23,
  Break: 24,
  Continue: 25,
  Dot: 26,
  Define: 27,
  Else: 28,
  End: 29,
  If: 30,
  Nil: 31,
  Range: 32,
  Template: 33,
  With: 34,
} as const;
export type ItemType = (typeof ItemType)[keyof typeof ItemType];
const T = ItemType;

export interface Item {
  typ: ItemType;
  /** Offset of the item in the input. */
  pos: number;
  val: string;
  /** Line number at the start of the item. */
  line: number;
}

/** Go's item.String(), as error messages show a token. */
export function itemString(i: Item): string {
  if (i.typ === T.EOF) return "EOF";
  if (i.typ === T.Error) return i.val;
  if (i.typ > T.Keyword) return `<${i.val}>`;
  // Go's %.10q: at most 10 characters, for values longer than 10 bytes.
  if (utf8Length(i.val) > 10) return quote(Array.from(i.val).slice(0, 10).join("")) + "...";
  return quote(i.val);
}

export const KEYWORDS = new Map<string, ItemType>([
  [".", T.Dot],
  ["block", T.Block],
  ["break", T.Break],
  ["continue", T.Continue],
  ["define", T.Define],
  ["else", T.Else],
  ["end", T.End],
  ["if", T.If],
  ["range", T.Range],
  ["nil", T.Nil],
  ["template", T.Template],
  ["with", T.With],
]);

/** Go's state functions, by number; Done stands for the nil state that stops the lexer. */
export const State = { Text: 0, LeftDelim: 1, Comment: 2, RightDelim: 3, InsideAction: 4, Done: 5 } as const;
export type State = (typeof State)[keyof typeof State];

export const EOF = -1;
/** What Lexer.atRightDelim finds. */
export const NO_DELIM = 0;
export const DELIM = 1;
export const TRIMMED_DELIM = 2;
/** A trim marker is "-" plus the space before or after it. */
export const TRIM_MARKER_LEN = 2;

const LETTER_OR_DIGIT = /[\p{L}\p{Nd}]/u;

/** Only the four ASCII spaces count, around trim markers and between arguments. */
export function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

/** '_', a Unicode letter or a decimal digit (unicode.IsLetter, unicode.IsDigit). */
export function isAlphaNumeric(r: number): boolean {
  if (r < 0x80) {
    return (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || (r >= 0x30 && r <= 0x39) || r === 0x5f;
  }
  return LETTER_OR_DIGIT.test(String.fromCodePoint(r));
}

export function hasLeftTrimMarker(s: string, i: number): boolean {
  return i + 1 < s.length && s.charCodeAt(i) === 0x2d && isSpace(s.charCodeAt(i + 1));
}

export function hasRightTrimMarker(s: string, i: number): boolean {
  return i + 1 < s.length && isSpace(s.charCodeAt(i)) && s.charCodeAt(i + 1) === 0x2d;
}

export function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  if (to - from <= 8) {
    // A delimiter or trim marker: indexOf would look on to the end of the line.
    for (let i = from; i < to; i++) if (s.charCodeAt(i) === 0x0a) n++;
    return n;
  }
  for (let i = s.indexOf("\n", from); i >= 0 && i < to; i = s.indexOf("\n", i + 1)) n++;
  return n;
}
