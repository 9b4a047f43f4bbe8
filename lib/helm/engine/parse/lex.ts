/**
 * The lexer of Go's text/template/parse (lex.go): text and delimiters here, the inside of actions
 * in lex-action.ts. Go runs the state machine in a goroutine that sends items over a channel; here
 * the parser pulls, and nextItem runs states until one emits.
 */
import type { Item, ItemType, State } from "./items";
import * as items from "./items";
import * as action from "./lex-action";

// Local bindings, read once: transpiled modules turn each use of an import into a getter call, and
// these run for every character.
const { EOF, hasLeftTrimMarker, hasRightTrimMarker, isSpace, ItemType: T, State: S, TRIM_MARKER_LEN } = items;
const { countNewlines, DELIM, NO_DELIM, TRIMMED_DELIM } = items;
const { lexInsideAction } = action;

const LEFT_COMMENT = "/*";
const RIGHT_COMMENT = "*/";

export class Lexer {
  /** Current position in the input. */
  pos = 0;
  /** Start of the item being scanned. */
  start = 0;
  /** EOF has been read; from then on backup does nothing, as in Go 1.19. */
  atEOF = false;
  parenDepth = 0;
  /** 1 + the newlines seen. */
  line = 1;
  startLine = 1;
  readonly leftDelim: string;
  readonly rightDelim: string;
  readonly rightDelimStart: number;
  private state: State = S.Text;
  /** The item emitted and not yet returned; a state emits at most two (text, then EOF). */
  private item: Item | null = null;
  private queued: Item | null = null;

  constructor(
    readonly input: string,
    leftDelim: string,
    rightDelim: string,
    private readonly emitComment: boolean,
    readonly breakOK: boolean,
    readonly continueOK: boolean,
  ) {
    this.leftDelim = leftDelim === "" ? "{{" : leftDelim;
    this.rightDelim = rightDelim === "" ? "}}" : rightDelim;
    this.rightDelimStart = this.rightDelim.charCodeAt(0);
  }

  nextItem(): Item {
    let state = this.state;
    while (this.item === null) {
      switch (state) {
        case S.Text:
          state = this.lexText();
          break;
        case S.LeftDelim:
          state = this.lexLeftDelim();
          break;
        case S.Comment:
          state = this.lexComment();
          break;
        case S.RightDelim:
          state = this.lexRightDelim();
          break;
        case S.InsideAction:
          state = lexInsideAction(this);
          break;
        default:
          // Go's closed channel yields the zero item once the lexer has stopped.
          return { typ: T.Error, pos: 0, val: "", line: 0 };
      }
    }
    this.state = state;
    const item = this.item;
    this.item = this.queued;
    this.queued = null;
    return item;
  }


  /** The next code point, or EOF. */
  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const c = this.input.charCodeAt(this.pos);
    if (c < 0xd800 || c > 0xdbff) {
      this.pos++;
      if (c === 0x0a) this.line++;
      return c;
    }
    const r = this.input.codePointAt(this.pos)!;
    this.pos += r > 0xffff ? 2 : 1;
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  /** Steps back one code point. */
  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const c = this.input.charCodeAt(this.pos - 1);
      const low = c >= 0xdc00 && c <= 0xdfff;
      this.pos -= low && this.pos > 1 && (this.input.charCodeAt(this.pos - 2) & 0xfc00) === 0xd800 ? 2 : 1;
      if (c === 0x0a) this.line--;
    }
  }

  emit(typ: ItemType): void {
    this.emitValue(typ, this.input.slice(this.start, this.pos));
  }

  /** Emits the input since start, known to equal val: a delimiter needs no new string each time. */
  emitValue(typ: ItemType, val: string): void {
    const item: Item = { typ, pos: this.start, val, line: this.startLine };
    if (this.item === null) this.item = item;
    else this.queued = item;
    this.start = this.pos;
    this.startLine = this.line;
  }

  /** Skips the input before pos, counting the newlines that the skip jumped over. */
  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  /** Consumes the next character if it is one of valid, which holds only ASCII. */
  accept(valid: string): boolean {
    const r = this.next();
    if (r >= 0 && r < 0x80 && valid.includes(String.fromCharCode(r))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (let r = this.next(); r >= 0 && r < 0x80 && valid.includes(String.fromCharCode(r)); r = this.next());
    this.backup();
  }

  /** Emits an error item and stops the lexer. */
  errorf(message: string): State {
    this.emitValue(T.Error, message);
    return S.Done;
  }

  /**
   * Whether the input is at a right delimiter: NO_DELIM, DELIM, or TRIMMED_DELIM when a trim marker
   * precedes it. (A number rather than Go's two results: this runs before every token.)
   */
  atRightDelim(): number {
    const input = this.input;
    if (hasRightTrimMarker(input, this.pos) && input.startsWith(this.rightDelim, this.pos + TRIM_MARKER_LEN)) {
      return TRIMMED_DELIM;
    }
    return input.startsWith(this.rightDelim, this.pos) ? DELIM : NO_DELIM;
  }

  private leftTrimLength(): number {
    let i = this.pos;
    while (i < this.input.length && isSpace(this.input.charCodeAt(i))) i++;
    return i - this.pos;
  }

  /** Text up to the next left delimiter, without the spaces a "{{- " trims. */
  private lexText(): State {
    const x = this.input.indexOf(this.leftDelim, this.pos);
    if (x >= 0) {
      this.pos = x;
      let trimLength = 0;
      if (hasLeftTrimMarker(this.input, x + this.leftDelim.length)) {
        let i = x;
        while (i > this.start && isSpace(this.input.charCodeAt(i - 1))) i--;
        trimLength = x - i;
      }
      this.pos -= trimLength;
      if (this.pos > this.start) {
        this.line += countNewlines(this.input, this.start, this.pos);
        this.emit(T.Text);
      }
      this.pos += trimLength;
      this.ignore();
      return S.LeftDelim;
    }
    this.pos = this.input.length;
    if (this.pos > this.start) {
      this.line += countNewlines(this.input, this.start, this.pos);
      this.emit(T.Text);
    }
    this.emit(T.EOF);
    return S.Done;
  }

  private lexLeftDelim(): State {
    this.pos += this.leftDelim.length;
    const afterMarker = hasLeftTrimMarker(this.input, this.pos) ? TRIM_MARKER_LEN : 0;
    if (this.input.startsWith(LEFT_COMMENT, this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.ignore();
      return S.Comment;
    }
    this.emitValue(T.LeftDelim, this.leftDelim);
    this.pos += afterMarker;
    this.ignore();
    this.parenDepth = 0;
    return S.InsideAction;
  }

  private lexComment(): State {
    this.pos += LEFT_COMMENT.length;
    const i = this.input.indexOf(RIGHT_COMMENT, this.pos);
    if (i < 0) return this.errorf("unclosed comment");
    this.pos = i + RIGHT_COMMENT.length;
    const delim = this.atRightDelim();
    if (delim === NO_DELIM) return this.errorf("comment ends before closing delimiter");
    const trimSpace = delim === TRIMMED_DELIM;
    if (this.emitComment) this.emit(T.Comment);
    if (trimSpace) this.pos += TRIM_MARKER_LEN;
    this.pos += this.rightDelim.length;
    if (trimSpace) this.pos += this.leftTrimLength();
    this.ignore();
    return S.Text;
  }

  private lexRightDelim(): State {
    const trimSpace = hasRightTrimMarker(this.input, this.pos);
    if (trimSpace) {
      this.pos += TRIM_MARKER_LEN;
      this.ignore();
    }
    this.pos += this.rightDelim.length;
    this.emitValue(T.RightDelim, this.rightDelim);
    if (trimSpace) {
      this.pos += this.leftTrimLength();
      this.ignore();
    }
    return S.Text;
  }
}
