/**
 * The parser of Go's text/template/parse (parse.go): a Parser is Go's Tree while it is being
 * parsed. Each {{define}} and {{block}} body gets its own Parser sharing the lexer, as in Go, so
 * token lookahead, variables and the line in error messages behave the same.
 */
import { type Item, itemString, ItemType } from "./items";
import type { Lexer } from "./lex";
import type { IfNode, ListNode, Node, PipeNode, RangeNode, TemplateNode, Tree, WithNode } from "./nodes";
import { write } from "./nodes";
import { pipeline } from "./pipeline";
import { ERR_SYNTAX, quote, unquote } from "./quote";
import { isEmptyTree, ParseError } from "./tree";

// A local binding: a transpiled import is a getter call on every use, and this is used per token.
const T = ItemType;

/** {{end}} and {{else}} end an item list; they never appear in a finished tree. */
interface EndNode {
  type: "End";
  pos: number;
}
interface ElseNode {
  type: "Else";
  pos: number;
  line: number;
}
type ListItem = Node | EndNode | ElseNode;
type BranchNode = IfNode | RangeNode | WithNode;

function show(n: ListItem): string {
  return n.type === "End" ? "{{end}}" : n.type === "Else" ? "{{else}}" : write(n, false);
}

const ZERO_ITEM: Item = { typ: T.Error, pos: 0, val: "", line: 0 };

export class Parser {
  root: ListNode | null = null;
  vars: string[] = ["$"];
  private readonly token: [Item, Item, Item] = [ZERO_ITEM, ZERO_ITEM, ZERO_ITEM];
  private peekCount = 0;
  private actionLine = 0;
  private rangeDepth = 0;

  constructor(
    public name: string,
    readonly parseName: string,
    readonly text: string,
    private readonly lex: Lexer,
    private readonly treeSet: Map<string, Tree>,
    readonly hasFunction: (name: string) => boolean,
  ) {}

  next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.nextItem();
    return this.token[this.peekCount]!;
  }

  backup(): void {
    this.peekCount++;
  }

  /** Backs up two tokens; the zeroth is already there. */
  backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  /** Backs up three tokens, given in reverse order; the zeroth is already there. */
  backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.lex.nextItem();
    return this.token[0];
  }

  nextNonSpace(): Item {
    let token: Item;
    do token = this.next();
    while (token.typ === T.Space);
    return token;
  }

  peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  /** The line is that of the last token read, which is what Go reports. */
  errorf(message: string): never {
    this.root = null;
    throw new ParseError(`template: ${this.parseName}:${this.token[0].line}: ${message}`);
  }

  expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }

  expectOneOf(expected1: ItemType, expected2: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected1 && token.typ !== expected2) this.unexpected(token, context);
    return token;
  }

  unexpected(token: Item, context: string): never {
    if (token.typ === T.Error) {
      let extra = "";
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        // Avoid "unclosed action in action started at".
        if (token.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  unquote(token: Item): string {
    const s = unquote(token.val);
    return s === ERR_SYNTAX ? this.errorf(ERR_SYNTAX) : s;
  }

  /** Adds the finished tree to the set, unless a non-empty one of that name is there. */
  add(): void {
    const tree = this.treeSet.get(this.name);
    const root = this.root!;
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.treeSet.set(this.name, { name: this.name, parseName: this.parseName, root, text: this.text });
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${quote(this.name)}`);
  }

  private child(name: string): Parser {
    return new Parser(name, this.parseName, this.text, this.lex, this.treeSet, this.hasFunction);
  }

  /** The top level: like itemList, but also takes {{define}}s, and runs to EOF. */
  parse(): void {
    const root: ListNode = { type: "List", pos: this.peek().pos, nodes: [] };
    this.root = root;
    while (this.peek().typ !== T.EOF) {
      if (this.peek().typ === T.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === T.Define) {
          // The name is known once the definition is read.
          this.child("definition").parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === "End" || n.type === "Else") this.errorf(`unexpected ${show(n)}`);
      root.nodes.push(n);
    }
  }

  /** {{define "name"}} ... {{end}}; "define" has been read. */
  private parseDefinition(): void {
    const context = "define clause";
    const name = this.expectOneOf(T.String, T.RawString, context);
    this.name = this.unquote(name);
    this.expect(T.RightDelim, context);
    const [list, end] = this.itemList();
    this.root = list;
    if (end.type !== "End") this.errorf(`unexpected ${show(end)} in ${context}`);
    this.add();
  }

  /** textOrAction* up to an {{end}} or {{else}}, which is returned separately. */
  itemList(): [ListNode, EndNode | ElseNode] {
    const list: ListNode = { type: "List", pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== T.EOF) {
      const n = this.textOrAction();
      if (n.type === "End" || n.type === "Else") return [list, n];
      list.nodes.push(n);
    }
    this.errorf("unexpected EOF");
  }

  private textOrAction(): ListItem {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case T.Text:
        return { type: "Text", pos: token.pos, text: token.val };
      case T.LeftDelim:
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      case T.Comment:
        return { type: "Comment", pos: token.pos, text: token.val };
      default:
        this.unexpected(token, "input");
    }
  }

  /** A control action, or a pipeline. The left delimiter has been read. */
  private action(): ListItem {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case T.Block:
        return this.blockControl();
      case T.Break:
        return this.loopControl("Break", token);
      case T.Continue:
        return this.loopControl("Continue", token);
      case T.Else:
        return this.elseControl();
      case T.End:
        return { type: "End", pos: this.expect(T.RightDelim, "end").pos };
      case T.If:
        return this.ifControl();
      case T.Range:
        return this.parseControl("Range", false, "range");
      case T.Template:
        return this.templateControl();
      case T.With:
        return this.parseControl("With", false, "with");
    }
    this.backup();
    const first = this.peek();
    // Variables declared here persist until the enclosing {{end}}.
    return { type: "Action", pos: first.pos, line: first.line, pipe: pipeline(this, "command", T.RightDelim) };
  }

  private loopControl(type: "Break" | "Continue", keyword: Item): Node {
    const name = `{{${keyword.val}}}`;
    const token = this.nextNonSpace();
    if (token.typ !== T.RightDelim) this.unexpected(token, name);
    if (this.rangeDepth === 0) this.errorf(`${name} outside {{range}}`);
    return { type, pos: keyword.pos, line: keyword.line };
  }

  /** The pipeline, the list and the else list of an if, range or with. */
  private parseControl(type: BranchNode["type"], allowElseIf: boolean, context: string): BranchNode {
    const varsLength = this.vars.length;
    const pipe = pipeline(this, context, T.RightDelim);
    if (context === "range") this.rangeDepth++;
    const [list, next] = this.itemList();
    if (context === "range") this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.type === "Else") {
      // "{{if a}}x{{else if b}}y{{end}}" is "{{if a}}x{{else}}{{if b}}y{{end}}{{end}}": elseControl
      // left the "if" pending, and the inner if takes the only {{end}}.
      if (allowElseIf && this.peek().typ === T.If) {
        this.next();
        elseList = { type: "List", pos: next.pos, nodes: [this.ifControl()] };
      } else {
        const [list, end] = this.itemList();
        elseList = list;
        if (end.type !== "End") this.errorf(`expected end; found ${show(end)}`);
      }
    }
    while (this.vars.length > varsLength) this.vars.pop();
    return { type, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
  }

  private ifControl(): Node {
    return this.parseControl("If", true, "if");
  }

  private elseControl(): ElseNode {
    const peek = this.peekNonSpace();
    // "{{else if ...": leave the "if" for parseControl, as if it were "{{else}}{{if ...".
    if (peek.typ === T.If) return { type: "Else", pos: peek.pos, line: peek.line };
    const token = this.expect(T.RightDelim, "else");
    return { type: "Else", pos: token.pos, line: token.line };
  }

  /** {{block "name" pipeline}} ... {{end}}: defines the template and executes it in place. */
  private blockControl(): TemplateNode {
    const context = "block clause";
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const pipe = pipeline(this, context, T.RightDelim);
    const block = this.child(name);
    const [list, end] = block.itemList();
    block.root = list;
    if (end.type !== "End") this.errorf(`unexpected ${show(end)} in ${context}`);
    block.add();
    return { type: "Template", pos: token.pos, line: token.line, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = "template clause";
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== T.RightDelim) {
      this.backup();
      pipe = pipeline(this, context, T.RightDelim);
    }
    return { type: "Template", pos: token.pos, line: token.line, name, pipe };
  }

  private templateName(token: Item, context: string): string {
    if (token.typ !== T.String && token.typ !== T.RawString) this.unexpected(token, context);
    return this.unquote(token);
  }
}
