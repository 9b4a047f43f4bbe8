/**
 * Parse failures, and questions about finished trees: Go's parse.IsEmptyTree and Tree.ErrorContext.
 */
import { type Node, nodeString, type Tree } from "./nodes";
import { utf8Length } from "./quote";

/** A parse failure, with Go's message: `template: NAME:LINE: ...`. */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParseError";
  }
}

/** Go's parse.IsEmptyTree: whether the node holds nothing but space and comments. */
export function isEmptyTree(node: Node | null | undefined): boolean {
  if (node === null || node === undefined) return true;
  switch (node.type) {
    case "Comment":
      return true;
    case "List":
      return node.nodes.every(isEmptyTree);
    case "Text":
      return isGoSpaceOnly(node.text);
    case "Action":
    case "If":
    case "Range":
    case "Template":
    case "With":
      return false;
    default:
      throw new Error("unknown node: " + nodeString(node));
  }
}

/** bytes.TrimSpace(s) is empty: unicode.IsSpace, which differs from JavaScript's trim. */
function isGoSpaceOnly(s: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/.test(s);
}

/**
 * Go's Tree.ErrorContext: where the node is, as "NAME:LINE:COLUMN" (the column a 0-based count of
 * UTF-8 bytes, as Go's), and the node's text.
 */
export function errorContext(tree: Tree, node: Node): [location: string, context: string] {
  const text = tree.text.slice(0, node.pos);
  const lastNewline = text.lastIndexOf("\n");
  const column = utf8Length(lastNewline === -1 ? text : text.slice(lastNewline + 1));
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) line++;
  return [`${tree.parseName}:${line}:${column}`, nodeString(node)];
}
