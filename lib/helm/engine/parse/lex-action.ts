/**
 * The lexer's states inside an action (Go's lexInsideAction and the states it leads to). Each
 * returns the next state; one that goes straight on to another calls it.
 */
import type { ItemType, State } from "./items";
import * as items from "./items";
import type { Lexer } from "./lex";
import { formatRune, quote } from "./quote";

// Local bindings, read once: transpiled modules turn each use of an import into a getter call, and
// these run for every character.
const { EOF, hasRightTrimMarker, isAlphaNumeric, isSpace, ItemType: T, KEYWORDS, State: S, TRIM_MARKER_LEN } = items;
const { countNewlines, NO_DELIM } = items;

/** Emits at most one item, so a long action never runs far ahead of the parser. */
export function lexInsideAction(l: Lexer): State {
  // Only a space (of " -}}") or the delimiter's first character can start a right delimiter.
  const c = l.input.charCodeAt(l.pos);
  if ((c === l.rightDelimStart || isSpace(c)) && l.atRightDelim() !== NO_DELIM) {
    if (l.parenDepth === 0) return S.RightDelim;
    return l.errorf("unclosed left paren");
  }
  // Go reads the space and puts it back, in case it starts " -}}": the same as not reading it.
  if (isSpace(c)) return lexSpace(l);
  const r = l.next();
  switch (r) {
    case EOF:
      return l.errorf("unclosed action");
    case 0x3d: // =
      l.emit(T.Assign);
      return S.InsideAction;
    case 0x3a: // :
      if (l.next() !== 0x3d) return l.errorf("expected :=");
      l.emit(T.Declare);
      return S.InsideAction;
    case 0x7c: // |
      l.emit(T.Pipe);
      return S.InsideAction;
    case 0x22: // "
      return lexQuote(l);
    case 0x60: // `
      return lexRawQuote(l);
    case 0x24: // $
      return lexVariable(l);
    case 0x27: // '
      return lexChar(l);
    case 0x28: // (
      l.emit(T.LeftParen);
      l.parenDepth++;
      return S.InsideAction;
    case 0x29: // )
      l.emit(T.RightParen);
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf(`unexpected right paren ${formatRune(r)}`);
      return S.InsideAction;
  }
  if (r === 0x2e && l.pos < l.input.length) {
    // ".field", unless a digit follows: ".5" is a number.
    const c = l.input.charCodeAt(l.pos);
    if (c < 0x30 || c > 0x39) return lexFieldOrVariable(l, T.Field);
  }
  if (r === 0x2e || r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber(l);
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier(l);
  }
  if (r >= 0x20 && r < 0x7f) {
    l.emit(T.Char);
    return S.InsideAction;
  }
  return l.errorf(`unrecognized character in action: ${formatRune(r)}`);
}

/** A run of spaces; the first is known to be there. */
function lexSpace(l: Lexer): State {
  // Go's peek/next loop, inlined: spaces are ASCII.
  const input = l.input;
  let numSpaces = 0;
  for (let c = input.charCodeAt(l.pos); isSpace(c); c = input.charCodeAt(++l.pos)) {
    if (c === 0x0a) l.line++;
    numSpaces++;
  }
  if (l.pos >= input.length) l.atEOF = true;
  // A trim-marked right delimiter starts with a space: leave that space to it.
  if (hasRightTrimMarker(input, l.pos - 1) && input.startsWith(l.rightDelim, l.pos - 1 + TRIM_MARKER_LEN)) {
    l.backup();
    if (numSpaces === 1) return S.RightDelim;
  }
  l.emit(T.Space);
  return S.InsideAction;
}

function lexIdentifier(l: Lexer): State {
  const r = scanAlphaNumerics(l);
  const word = l.input.slice(l.start, l.pos);
  if (!atTerminator(l)) return l.errorf(`bad character ${formatRune(r)}`);
  const key = KEYWORDS.get(word);
  if (key !== undefined && key > T.Keyword) {
    if ((key === T.Break && !l.breakOK) || (key === T.Continue && !l.continueOK)) l.emitValue(T.Identifier, word);
    else l.emitValue(key, word);
  } else if (word[0] === ".") l.emitValue(T.Field, word);
  else if (word === "true" || word === "false") l.emitValue(T.Bool, word);
  else l.emitValue(T.Identifier, word);
  return S.InsideAction;
}

const ASCII_ALPHANUMERIC = new Uint8Array(128).map((_, c) => (isAlphaNumeric(c) ? 1 : 0));

/** Reads alphanumerics; returns the character after them, which is left unread. */
function scanAlphaNumerics(l: Lexer): number {
  const input = l.input;
  // ASCII needs no decoding, and a newline is not alphanumeric.
  let c = input.charCodeAt(l.pos);
  for (; c < 0x80 && ASCII_ALPHANUMERIC[c] === 1; c = input.charCodeAt(++l.pos));
  // An ASCII character ends the run where Go's next and backup would leave it.
  if (c < 0x80) return c;
  if (l.pos >= input.length) {
    l.atEOF = true;
    return EOF;
  }
  let r = l.next();
  while (isAlphaNumeric(r)) r = l.next();
  l.backup();
  return r;
}

/** A variable: $Alphanumeric, or just "$". The $ has been read. */
function lexVariable(l: Lexer): State {
  if (atTerminator(l)) {
    l.emit(T.Variable);
    return S.InsideAction;
  }
  return lexFieldOrVariable(l, T.Variable);
}

/** A field or variable: [.$]Alphanumeric. The . or $ has been read. */
function lexFieldOrVariable(l: Lexer, typ: ItemType): State {
  if (atTerminator(l)) {
    // Nothing follows the "." or "$".
    l.emit(typ === T.Variable ? T.Variable : T.Dot);
    return S.InsideAction;
  }
  const r = scanAlphaNumerics(l);
  if (!atTerminator(l)) return l.errorf(`bad character ${formatRune(r)}`);
  l.emit(typ);
  return S.InsideAction;
}

/**
 * Whether the next character may follow an identifier. Splits .X.Y in two, and rejects "$x+2"
 * rather than reading it as $x followed by +2.
 */
function atTerminator(l: Lexer): boolean {
  // Go peeks a rune; every character this looks for is ASCII, so a code unit does.
  if (l.pos >= l.input.length) {
    l.atEOF = true;
    return true;
  }
  const c = l.input.charCodeAt(l.pos);
  if (isSpace(c)) return true;
  switch (c) {
    case 0x2e: // .
    case 0x2c: // ,
    case 0x7c: // |
    case 0x3a: // :
    case 0x29: // )
    case 0x28: // (
      return true;
  }
  return l.input.startsWith(l.rightDelim, l.pos);
}

/**
 * Reads up to the closing quote, which may be escaped; a newline or EOF ends it with an error.
 * Go reads rune by rune; code units do as well here, as every character it looks for is ASCII.
 */
function scanQuoted(l: Lexer, close: number): boolean {
  const input = l.input;
  for (let i = l.pos; i < input.length; ) {
    let c = input.charCodeAt(i++);
    if (c === 0x5c && i < input.length) c = input.charCodeAt(i++) === 0x0a ? 0x0a : 0;
    if (c === close || c === 0x0a) {
      l.pos = i;
      return c === close;
    }
  }
  // After an error the lexer stops; only the item's start is reported.
  return false;
}

/** A character constant; the parser checks its syntax. The quote has been read. */
function lexChar(l: Lexer): State {
  if (!scanQuoted(l, 0x27)) return l.errorf("unterminated character constant");
  l.emit(T.CharConstant);
  return S.InsideAction;
}

function lexQuote(l: Lexer): State {
  if (!scanQuoted(l, 0x22)) return l.errorf("unterminated quoted string");
  l.emit(T.String);
  return S.InsideAction;
}

function lexRawQuote(l: Lexer): State {
  const end = l.input.indexOf("`", l.pos);
  if (end < 0) return l.errorf("unterminated raw quoted string");
  l.line += countNewlines(l.input, l.pos, end);
  l.pos = end + 1;
  l.emit(T.RawString);
  return S.InsideAction;
}

/**
 * A number: decimal, octal, hex, binary, float or imaginary. It lets through some invalid input,
 * such as "089"; the parser's conversion rejects it.
 */
function lexNumber(l: Lexer): State {
  if (!scanNumber(l)) return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    // Complex: 1+2i. No spaces, must end in 'i'.
    if (!scanNumber(l) || l.input.charCodeAt(l.pos - 1) !== 0x69) {
      return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
    }
    l.emit(T.Complex);
  } else l.emit(T.Number);
  return S.InsideAction;
}

const DECIMAL = "0123456789_";
const HEX = "0123456789abcdefABCDEF_";

function scanNumber(l: Lexer): boolean {
  l.accept("+-");
  let digits = DECIMAL;
  if (l.accept("0")) {
    // A leading 0 does not mean octal in floats.
    if (l.accept("xX")) digits = HEX;
    else if (l.accept("oO")) digits = "01234567_";
    else if (l.accept("bB")) digits = "01_";
  }
  l.acceptRun(digits);
  if (l.accept(".")) l.acceptRun(digits);
  if (digits === DECIMAL && l.accept("eE")) {
    l.accept("+-");
    l.acceptRun(DECIMAL);
  }
  if (digits === HEX && l.accept("pP")) {
    l.accept("+-");
    l.acceptRun(DECIMAL);
  }
  l.accept("i");
  // The next thing mustn't be alphanumeric.
  if (isAlphaNumeric(l.peek())) {
    l.next();
    return false;
  }
  return true;
}
