import { indirectInterface, isTrue } from "./convert";
import { BREAK, CONTINUE, MISSING, type ExecState, type Final } from "./exec-state";
import { goQuote } from "./fmt";
import { nodeString, type CommandNode, type Node, type NumberNode, type PipeNode } from "./parse";
import { GoInt, GoStruct, goTypeName, isGoFunc, isGoMap, type GoFunc, type GoType, type GoValue } from "./value";

/**
 * Evaluating text/template's pipelines (exec.go's evalPipeline and what it calls): commands, field
 * and method chains on maps and structs, variables, function calls with Go's argument checks and
 * conversions, and constants.
 */
export function evalPipeline(s: ExecState, dot: GoValue, pipe: PipeNode | null): GoValue {
  if (!pipe) return undefined;
  s.at(pipe);
  let value: Final = MISSING;
  for (const cmd of pipe.cmds) {
    value = evalCommand(s, dot, cmd, value);
    // Go digs into an interface{} result: a nil interface becomes no value at all.
    if (value === null) value = undefined;
  }
  const result = value as GoValue;
  for (const variable of pipe.decl) {
    if (pipe.isAssign) s.setVar(variable.ident[0]!, result);
    else s.vars.push({ name: variable.ident[0]!, value: result });
  }
  return result;
}

function notAFunction(s: ExecState, args: Node[], final: Final) {
  if (args.length > 1 || final !== MISSING) s.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
}

function evalCommand(s: ExecState, dot: GoValue, cmd: CommandNode, final: Final): GoValue {
  const args = cmd.args;
  const first = args[0]!;
  switch (first.type) {
    case "Field":
      s.at(first);
      return evalFieldChain(s, dot, dot, first, first.ident, args, final, s.dotIface);
    case "Chain":
      return evalChainNode(s, dot, first, args, final);
    case "Identifier":
      return evalFunction(s, dot, first.ident, first, args, final, cmd);
    case "Pipe":
      notAFunction(s, args, final);
      return evalPipeline(s, dot, first);
    case "Variable":
      return evalVariableNode(s, dot, first, args, final);
  }
  s.at(first);
  notAFunction(s, args, final);
  switch (first.type) {
    case "Bool":
      return first.true;
    case "Dot":
      return dot;
    case "Nil":
      s.errorf("nil is not a command");
    // falls through: errorf never returns
    case "Number":
      return idealConstant(s, first);
    case "String":
      return first.text;
  }
  s.errorf(`can't evaluate command ${goQuote(nodeString(first))}`);
}

function idealConstant(s: ExecState, n: NumberNode): GoValue {
  s.at(n);
  if (n.isComplex) s.errorf("complex numbers are not supported");
  const hexInt = n.text.length > 2 && n.text[0] === "0" && (n.text[1] === "x" || n.text[1] === "X") && !/[pP]/.test(n.text);
  if (n.isFloat && !hexInt && n.text[0] !== "'" && /[.eEpP]/.test(n.text)) return n.float64;
  if (n.isInt) {
    if (n.int64 > 0x7fffffffffffffffn || n.int64 < -0x8000000000000000n) s.errorf(`${n.text} overflows int`);
    return n.int64;
  }
  if (n.isUint) s.errorf(`${n.text} overflows int`);
  return undefined;
}

function evalChainNode(s: ExecState, dot: GoValue, chain: Extract<Node, { type: "Chain" }>, args: Node[] | null, final: Final): GoValue {
  s.at(chain);
  if (chain.field.length === 0) s.errorf("internal error: no fields in evalChainNode");
  if (chain.node.type === "Nil") s.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
  const pipe = evalArg(s, dot, null, chain.node);
  return evalFieldChain(s, dot, pipe, chain, chain.field, args, final);
}

function evalVariableNode(s: ExecState, dot: GoValue, variable: Extract<Node, { type: "Variable" }>, args: Node[] | null, final: Final): GoValue {
  s.at(variable);
  const value = s.varValue(variable.ident[0]!);
  if (variable.ident.length === 1) {
    if (args) notAFunction(s, args, final);
    return value;
  }
  const iface = s.varIface(variable.ident[0]!);
  return evalFieldChain(s, dot, value, variable, variable.ident.slice(1), args, final, iface);
}

function evalFieldChain(
  s: ExecState,
  dot: GoValue,
  receiver: GoValue,
  node: Node,
  ident: string[],
  args: Node[] | null,
  final: Final,
  receiverIface = false,
): GoValue {
  let current = receiver;
  let iface = receiverIface;
  for (let i = 0; i < ident.length - 1; i++) {
    current = evalField(s, dot, ident[i]!, node, null, MISSING, current, iface);
    iface = s.lastFromMap;
  }
  return evalField(s, dot, ident[ident.length - 1]!, node, args, final, current, iface);
}

function evalFunction(s: ExecState, dot: GoValue, name: string, node: Node, args: Node[] | null, final: Final, cmd: Node): GoValue {
  s.at(node);
  const found = s.set.findFunction(name);
  if (!found) s.errorf(`${goQuote(name)} is not a defined function`);
  return evalCall(s, dot, found.fn, found.builtin, cmd, name, args, final);
}

function evalField(
  s: ExecState,
  dot: GoValue,
  fieldName: string,
  node: Node,
  args: Node[] | null,
  final: Final,
  receiver: GoValue,
  receiverIface = false,
): GoValue {
  s.lastFromMap = false;
  if (receiver === undefined) {
    if (s.set.missingKey === "error") s.errorf(`nil data; no entry for key ${goQuote(fieldName)}`);
    return undefined;
  }
  if (receiver === null) s.errorf(`nil pointer evaluating interface {}.${fieldName}`);
  const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
  if (receiver instanceof GoStruct) {
    const method = receiver.methods[fieldName];
    if (method) return evalCall(s, dot, method, false, node, fieldName, args, final);
    if (Object.hasOwn(receiver.fields, fieldName)) {
      if (receiver.kind === "map") {
        if (hasArgs) s.errorf(`${fieldName} is not a method but has arguments`);
      } else if (hasArgs) {
        s.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      }
      const value = receiver.fields[fieldName];
      s.lastFromMap = receiver.kind === "map";
      return value === undefined ? null : value;
    }
    if (receiver.kind === "map") return missingKey(s, fieldName, hasArgs);
  } else if (isGoMap(receiver) && !isGoFunc(receiver)) {
    if (hasArgs) s.errorf(`${fieldName} is not a method but has arguments`);
    s.lastFromMap = true;
    if (Object.hasOwn(receiver, fieldName)) {
      const value = receiver[fieldName];
      return value === undefined ? null : value;
    }
    return missingKey(s, fieldName, hasArgs);
  }
  s.errorf(`can't evaluate field ${fieldName} in type ${receiverIface ? "interface {}" : goTypeName(receiver)}`);
}

function missingKey(s: ExecState, fieldName: string, hasArgs: boolean): GoValue {
  if (hasArgs) s.errorf(`${fieldName} is not a method but has arguments`);
  s.lastFromMap = true;
  if (s.set.missingKey === "error") s.errorf(`map has no entry for key ${goQuote(fieldName)}`);
  return s.set.missingKey === "zero" ? null : undefined;
}

function evalCall(s: ExecState, dot: GoValue, fn: GoFunc, builtin: boolean, node: Node, name: string, argNodes: Node[] | null, final: Final): GoValue {
  const args = argNodes ? argNodes.slice(1) : [];
  const numIn = args.length + (final !== MISSING ? 1 : 0);
  const declared = fn.params.length + (fn.variadic ? 1 : 0);
  let numFixed = args.length;
  if (fn.variadic) {
    numFixed = fn.params.length;
    if (numIn < numFixed) s.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
  } else if (numIn !== declared) {
    s.errorf(`wrong number of args for ${name}: want ${declared} got ${numIn}`);
  }

  if (builtin && (name === "and" || name === "or")) {
    let value: GoValue = undefined;
    for (const arg of args) {
      value = evalArg(s, dot, "reflect.Value", arg);
      if (isTrue(indirectInterface(value)).truth === (name === "or")) return value;
    }
    if (final !== MISSING) value = s.validate(final, "reflect.Value");
    return value;
  }

  const argv: GoValue[] = [];
  let i = 0;
  for (; i < numFixed && i < args.length; i++) argv.push(evalArg(s, dot, fn.params[i]!, args[i]!));
  if (fn.variadic) for (; i < args.length; i++) argv.push(evalArg(s, dot, fn.variadic, args[i]!));
  if (final !== MISSING) {
    let type: GoType = fn.variadic ?? fn.params[fn.params.length - 1]!;
    if (fn.variadic && numIn - 1 < numFixed) type = fn.params[numIn - 1]!;
    argv.push(s.validate(final, type));
  }
  try {
    return fn.call(...argv);
  } catch (error) {
    if (error === BREAK || error === CONTINUE) throw error;
    s.at(node);
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw error;
    s.errorf(`error calling ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function evalArg(s: ExecState, dot: GoValue, type: GoType | null, n: Node): GoValue {
  s.at(n);
  switch (n.type) {
    case "Dot":
      return s.validate(dot, type);
    case "Nil":
      if (type === null) s.errorf("cannot assign nil to <nil>");
      if (type === "interface {}" || type === "reflect.Value" || type.startsWith("[]") || type.startsWith("map")) {
        return type === "reflect.Value" ? undefined : null;
      }
      s.errorf(`cannot assign nil to ${type}`);
    // falls through: errorf never returns
    case "Field":
      return s.validate(evalFieldChain(s, dot, dot, n, n.ident, [n], MISSING), type);
    case "Variable":
      return s.validate(evalVariableNode(s, dot, n, null, MISSING), type);
    case "Pipe":
      return s.validate(evalPipeline(s, dot, n), type);
    case "Identifier":
      return s.validate(evalFunction(s, dot, n.ident, n, null, MISSING, n), type);
    case "Chain":
      return s.validate(evalChainNode(s, dot, n, null, MISSING), type);
  }
  switch (type) {
    case "bool":
      if (n.type === "Bool") return n.true;
      s.errorf(`expected bool; found ${nodeString(n)}`);
    // falls through: errorf never returns
    case "float64":
      if (n.type === "Number" && n.isFloat) return n.float64;
      s.errorf(`expected float; found ${nodeString(n)}`);
    // falls through: errorf never returns
    case "int":
    case "int64":
      if (n.type === "Number" && n.isInt) return type === "int" ? n.int64 : new GoInt(n.int64, "int64");
      s.errorf(`expected integer; found ${nodeString(n)}`);
    // falls through: errorf never returns
    case "string":
      if (n.type === "String") return n.text;
      s.errorf(`expected string; found ${nodeString(n)}`);
    // falls through: errorf never returns
    case null:
    case "interface {}":
    case "reflect.Value":
      return evalEmptyInterface(s, n);
  }
  s.errorf(`can't handle ${nodeString(n)} for arg of type ${type}`);
}

function evalEmptyInterface(s: ExecState, n: Node): GoValue {
  s.at(n);
  switch (n.type) {
    case "Bool":
      return n.true;
    case "Number":
      return idealConstant(s, n);
    case "String":
      return n.text;
  }
  s.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
}
