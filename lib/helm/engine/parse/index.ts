/**
 * Go's text/template/parse (Go 1.19), as Helm's template engine uses it: the parse mode is 0, so
 * comments are dropped and every function name must be defined.
 */
import { Lexer } from "./lex";
import type { Tree } from "./nodes";
import { Parser } from "./parser";

export type {
  ActionNode,
  BoolNode,
  BreakNode,
  ChainNode,
  CommandNode,
  CommentNode,
  ContinueNode,
  DotNode,
  FieldNode,
  IdentifierNode,
  IfNode,
  ListNode,
  NilNode,
  Node,
  NumberNode,
  PipeNode,
  Pos,
  RangeNode,
  StringNode,
  TemplateNode,
  TextNode,
  Tree,
  VariableNode,
  WithNode,
} from "./nodes";
export { nodeString } from "./nodes";
export { errorContext, isEmptyTree, ParseError } from "./tree";

/**
 * Go's parse.Parse: the named template and every {{define}} and {{block}} in it, by name. Empty
 * delimiters mean "{{" and "}}". Throws ParseError.
 */
export function parse(
  name: string,
  text: string,
  leftDelim: string,
  rightDelim: string,
  hasFunction: (name: string) => boolean,
): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  // Go 1.19 asks whether "break" and "continue" are functions before it has the function maps, so
  // through parse.Parse they are always keywords.
  const lexer = new Lexer(text, leftDelim, rightDelim, false, true, true);
  const tree = new Parser(name, name, text, lexer, treeSet, hasFunction);
  tree.parse();
  tree.add();
  return treeSet;
}
