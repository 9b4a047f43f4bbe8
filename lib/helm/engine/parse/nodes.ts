/**
 * Parse-tree nodes of Go's text/template/parse (node.go). Fields keep Go's names with a lowercase
 * first letter. `pos` is the offset of the node in the text its template was parsed from (a string
 * index, which is Go's byte offset for ASCII text).
 */
import { quote } from "./quote";

export type Pos = number;

export interface ListNode {
  type: "List";
  pos: Pos;
  nodes: Node[];
}

export interface TextNode {
  type: "Text";
  pos: Pos;
  text: string;
}

export interface CommentNode {
  type: "Comment";
  pos: Pos;
  text: string;
}

export interface PipeNode {
  type: "Pipe";
  pos: Pos;
  line: number;
  /** The variables are assigned (`=`), not declared (`:=`). */
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}

export interface ActionNode {
  type: "Action";
  pos: Pos;
  line: number;
  pipe: PipeNode;
}

export interface CommandNode {
  type: "Command";
  pos: Pos;
  args: Node[];
}

export interface IdentifierNode {
  type: "Identifier";
  pos: Pos;
  ident: string;
}

/** `$x.a.b` has ident `["$x", "a", "b"]`. */
export interface VariableNode {
  type: "Variable";
  pos: Pos;
  ident: string[];
}

export interface DotNode {
  type: "Dot";
  pos: Pos;
}

export interface NilNode {
  type: "Nil";
  pos: Pos;
}

/** `.a.b` has ident `["a", "b"]`. */
export interface FieldNode {
  type: "Field";
  pos: Pos;
  ident: string[];
}

/** A term followed by field accesses that are not simply more fields of a field or variable: `(f).a.b`. */
export interface ChainNode {
  type: "Chain";
  pos: Pos;
  node: Node;
  field: string[];
}

export interface BoolNode {
  type: "Bool";
  pos: Pos;
  true: boolean;
}

/**
 * A numeric constant, stored under every type that can represent it exactly, as Go's ideal
 * constants are. A value a flag says is absent is 0.
 */
export interface NumberNode {
  type: "Number";
  pos: Pos;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  /** Real and imaginary parts; present only when isComplex. */
  complex128?: [real: number, imag: number];
  text: string;
}

export interface StringNode {
  type: "String";
  pos: Pos;
  /** The original text, with quotes. */
  quoted: string;
  /** The value after quote processing. */
  text: string;
}

interface BranchFields {
  pos: Pos;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}

export interface IfNode extends BranchFields {
  type: "If";
}

export interface RangeNode extends BranchFields {
  type: "Range";
}

export interface WithNode extends BranchFields {
  type: "With";
}

export interface BreakNode {
  type: "Break";
  pos: Pos;
  line: number;
}

export interface ContinueNode {
  type: "Continue";
  pos: Pos;
  line: number;
}

export interface TemplateNode {
  type: "Template";
  pos: Pos;
  line: number;
  name: string;
  pipe: PipeNode | null;
}

export type Node =
  | ListNode
  | TextNode
  | CommentNode
  | PipeNode
  | ActionNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | IfNode
  | RangeNode
  | WithNode
  | BreakNode
  | ContinueNode
  | TemplateNode;

export interface Tree {
  /** Name of the template this tree represents. */
  name: string;
  /** Name of the top-level template during parsing, for error messages. */
  parseName: string;
  root: ListNode;
  /** The whole text parsed to make this tree (shared by every {{define}} in it). */
  text: string;
}

/** Go's Node.String(): the node as template source, roughly as written. */
export function nodeString(node: Node): string {
  return write(node, false);
}

/**
 * Go's tests print text nodes with %q rather than %s; `quoteText` does the same so their expected
 * strings can be used unchanged.
 */
export function write(node: Node, quoteText: boolean): string {
  switch (node.type) {
    case "List": {
      let s = "";
      for (const n of node.nodes) s += write(n, quoteText);
      return s;
    }
    case "Text":
      return quoteText ? quote(node.text) : node.text;
    case "Comment":
      return "{{" + node.text + "}}";
    case "Pipe":
      return writePipe(node, quoteText);
    case "Action":
      return "{{" + writePipe(node.pipe, quoteText) + "}}";
    case "Command":
      return node.args.map((arg) => writeOperand(arg, quoteText)).join(" ");
    case "Identifier":
      return node.ident;
    case "Variable":
      return node.ident.join(".");
    case "Dot":
      return ".";
    case "Nil":
      return "nil";
    case "Field":
      return "." + node.ident.join(".");
    case "Chain":
      return writeOperand(node.node, quoteText) + node.field.map((f) => "." + f).join("");
    case "Bool":
      return node.true ? "true" : "false";
    case "Number":
      return node.text;
    case "String":
      return node.quoted;
    case "If":
    case "Range":
    case "With": {
      const name = node.type === "If" ? "if" : node.type === "Range" ? "range" : "with";
      let s = "{{" + name + " " + writePipe(node.pipe, quoteText) + "}}" + write(node.list, quoteText);
      if (node.elseList !== null) s += "{{else}}" + write(node.elseList, quoteText);
      return s + "{{end}}";
    }
    case "Break":
      return "{{break}}";
    case "Continue":
      return "{{continue}}";
    case "Template":
      return "{{template " + quote(node.name) + (node.pipe ? " " + writePipe(node.pipe, quoteText) : "") + "}}";
  }
}

/** A pipeline as an argument or the head of a chain is parenthesized. */
function writeOperand(node: Node, quoteText: boolean): string {
  return node.type === "Pipe" ? "(" + writePipe(node, quoteText) + ")" : write(node, quoteText);
}

function writePipe(pipe: PipeNode, quoteText: boolean): string {
  // Go prints " := " for assignments too.
  const decl = pipe.decl.length > 0 ? pipe.decl.map((v) => v.ident.join(".")).join(", ") + " := " : "";
  return decl + pipe.cmds.map((c) => write(c, quoteText)).join(" | ");
}
