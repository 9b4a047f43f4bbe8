/**
 * Pipelines, commands and operands, the expression half of Go's parse.go.
 */
import { ItemType } from "./items";
import type { ChainNode, CommandNode, Node, PipeNode, VariableNode } from "./nodes";
import { write } from "./nodes";
import { newNumber } from "./number";
import type { Parser } from "./parser";
import { quote } from "./quote";

// A local binding: a transpiled import is a getter call on every use, and this is used per token.
const T = ItemType;

function newVariable(pos: number, ident: string): VariableNode {
  return { type: "Variable", pos, ident: ident.split(".") };
}

/** declarations? command ('|' command)*, up to the `end` token, which is consumed. */
export function pipeline(t: Parser, context: string, end: ItemType): PipeNode {
  const token = t.peekNonSpace();
  const pipe: PipeNode = { type: "Pipe", pos: token.pos, line: token.line, isAssign: false, decl: [], cmds: [] };
  // Declarations or assignments? A range may declare two variables, so this may run twice.
  for (;;) {
    const v = t.peekNonSpace();
    if (v.typ !== T.Variable) break;
    t.next();
    // Spaces are tokens, so "$x foo" needs three tokens of lookahead to see that $x is an argument,
    // not declared: keep the token after the variable to push it back.
    const tokenAfterVariable = t.peek();
    const next = t.peekNonSpace();
    if (next.typ === T.Assign || next.typ === T.Declare) {
      pipe.isAssign = next.typ === T.Assign;
      t.nextNonSpace();
      pipe.decl.push(newVariable(v.pos, v.val));
      t.vars.push(v.val);
    } else if (next.typ === T.Char && next.val === ",") {
      t.nextNonSpace();
      pipe.decl.push(newVariable(v.pos, v.val));
      t.vars.push(v.val);
      if (context === "range" && pipe.decl.length < 2) {
        const following = t.peekNonSpace().typ;
        if (following === T.Variable || following === T.RightDelim || following === T.RightParen) continue;
        t.errorf("range can only initialize variables");
      }
      t.errorf(`too many declarations in ${context}`);
    } else if (tokenAfterVariable.typ === T.Space) {
      t.backup3(v, tokenAfterVariable);
    } else {
      t.backup2(v);
    }
    break;
  }
  for (;;) {
    const token = t.nextNonSpace();
    switch (token.typ) {
      case end:
        checkPipeline(t, pipe, context);
        return pipe;
      case T.Bool:
      case T.CharConstant:
      case T.Complex:
      case T.Dot:
      case T.Field:
      case T.Identifier:
      case T.Number:
      case T.Nil:
      case T.RawString:
      case T.String:
      case T.Variable:
      case T.LeftParen:
        t.backup();
        pipe.cmds.push(command(t));
        break;
      default:
        t.unexpected(token, context);
    }
  }
}

function checkPipeline(t: Parser, pipe: PipeNode, context: string): void {
  if (pipe.cmds.length === 0) t.errorf(`missing value for ${context}`);
  // Only the first command of a pipeline may start with an operand that cannot be executed.
  for (let i = 1; i < pipe.cmds.length; i++) {
    switch (pipe.cmds[i]!.args[0]!.type) {
      case "Bool":
      case "Dot":
      case "Nil":
      case "Number":
      case "String":
        // In A|B|C, stage 2 is B.
        t.errorf(`non executable command in pipeline stage ${i + 1}`);
    }
  }
}

/**
 * operand (space operand)*, up to a pipe symbol (consumed) or a right delimiter or parenthesis
 * (left for the caller).
 */
function command(t: Parser): CommandNode {
  const cmd: CommandNode = { type: "Command", pos: t.peekNonSpace().pos, args: [] };
  for (;;) {
    t.peekNonSpace(); // skip leading spaces.
    const op = operand(t);
    if (op !== null) cmd.args.push(op);
    const token = t.next();
    if (token.typ === T.Space) continue;
    if (token.typ === T.RightDelim || token.typ === T.RightParen) t.backup();
    else if (token.typ !== T.Pipe) t.unexpected(token, "operand");
    break;
  }
  if (cmd.args.length === 0) t.errorf("empty command");
  return cmd;
}

/** term .Field*, or null if the next token does not start an operand. */
function operand(t: Parser): Node | null {
  const node = term(t);
  if (node === null || t.peek().typ !== T.Field) return node;
  const chain: ChainNode = { type: "Chain", pos: t.peek().pos, node, field: [] };
  while (t.peek().typ === T.Field) {
    const field = t.next().val;
    if (field.length <= 1 || field[0] !== ".") throw new Error("bad field in chain: " + field);
    chain.field.push(field.slice(1));
  }
  // More fields on a field or variable just lengthen it; a chain stays only after other terms.
  switch (node.type) {
    case "Field":
    case "Variable":
      // Go re-splits the chain's text; the names hold no dots, so concatenating is the same.
      return { type: node.type, pos: chain.pos, ident: node.ident.concat(chain.field) };
    case "Bool":
    case "String":
    case "Number":
    case "Nil":
    case "Dot":
      t.errorf(`unexpected . after term ${quote(write(node, false))}`);
  }
  return chain;
}

/**
 * A literal, function name, ., .Field, $variable or parenthesized pipeline; null if the next token
 * is none of these.
 */
function term(t: Parser): Node | null {
  const token = t.nextNonSpace();
  switch (token.typ) {
    case T.Identifier:
      if (!t.hasFunction(token.val)) t.errorf(`function ${quote(token.val)} not defined`);
      return { type: "Identifier", pos: token.pos, ident: token.val };
    case T.Dot:
      return { type: "Dot", pos: token.pos };
    case T.Nil:
      return { type: "Nil", pos: token.pos };
    case T.Variable:
      return variable(t, token.pos, token.val);
    case T.Field:
      return { type: "Field", pos: token.pos, ident: token.val.slice(1).split(".") };
    case T.Bool:
      return { type: "Bool", pos: token.pos, true: token.val === "true" };
    case T.CharConstant:
    case T.Complex:
    case T.Number: {
      const kind = token.typ === T.CharConstant ? "char" : token.typ === T.Complex ? "complex" : "number";
      const n = newNumber(token.pos, token.val, kind);
      return "error" in n ? t.errorf(n.error) : n;
    }
    case T.LeftParen:
      return pipeline(t, "parenthesized pipeline", T.RightParen);
    case T.String:
    case T.RawString:
      return { type: "String", pos: token.pos, quoted: token.val, text: t.unquote(token) };
  }
  t.backup();
  return null;
}

function variable(t: Parser, pos: number, name: string): VariableNode {
  const v = newVariable(pos, name);
  if (!t.vars.includes(v.ident[0]!)) t.errorf(`undefined variable ${quote(v.ident[0]!)}`);
  return v;
}
