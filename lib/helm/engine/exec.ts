import { ArgumentError, indirectInterface, isTrue, kindOf, validateType } from "./convert";
import { goQuote, sprint } from "./fmt";
import {
  errorContext,
  nodeString,
  type CommandNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type RangeNode,
  type Tree,
} from "./parse";
import type { TemplateSet } from "./template";
import { GoInt, GoStruct, goTypeName, isGoFunc, isGoMap, type GoFunc, type GoType, type GoValue } from "./value";

/**
 * Go's text/template executor (exec.go), over the value model of ./value.ts. Error messages are
 * Go's, word for word: Helm shows them to people and parses them (cleanupExecError).
 */
export class ExecError extends Error {
  constructor(
    readonly templateName: string,
    message: string,
  ) {
    super(message);
  }
}

/** The "no argument from the pipeline" marker (Go's missingVal). */
const MISSING = Symbol("missing");
type Final = GoValue | typeof MISSING;

const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");
const MAX_DEPTH = 100_000;

interface Variable {
  name: string;
  value: GoValue;
  /** Held as interface{} (a range element of an untyped list or map): Go names its type so. */
  iface?: boolean;
}

export function execute(set: TemplateSet, tree: Tree, data: GoValue): string {
  // Go's Execute takes reflect.ValueOf(data): a nil argument is no value at all.
  const dot = data === null ? undefined : data;
  const state = new State(set, tree, [{ name: "$", value: dot }], 0);
  state.walk(dot, tree.root);
  return state.out.join("");
}

class State {
  out: string[] = [];
  private node: Node | null = null;
  /** Dot is a range element held as interface{}: error messages name its type `interface {}`. */
  private dotIface = false;
  /** The last field evaluated was a map's element, whose static type is interface{}. */
  private lastFromMap = false;

  constructor(
    private readonly set: TemplateSet,
    private readonly tree: Tree,
    private vars: Variable[],
    private readonly depth: number,
  ) {}

  private at(node: Node) {
    this.node = node;
  }

  errorf(message: string): never {
    const name = this.tree.name;
    if (!this.node) throw new ExecError(name, `template: ${name}: ${message}`);
    const [location, context] = errorContext(this.tree, this.node);
    throw new ExecError(name, `template: ${location}: executing ${goQuote(name)} at <${context}>: ${message}`);
  }

  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.errorf(`undefined variable: ${name}`);
  }

  private setVar(name: string, value: GoValue) {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  walk(dot: GoValue, node: Node): void {
    this.at(node);
    switch (node.type) {
      case "Action": {
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, value);
        return;
      }
      case "Break":
        throw BREAK;
      case "Continue":
        throw CONTINUE;
      case "Comment":
        return;
      case "If":
      case "With":
        return this.walkIfOrWith(node.type, dot, node.pipe, node.list, node.elseList);
      case "List":
        for (const child of node.nodes) this.walk(dot, child);
        return;
      case "Range":
        return this.walkRange(dot, node);
      case "Template":
        return this.walkTemplate(dot, node.name, node.pipe);
      case "Text":
        this.out.push(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(type: "If" | "With", dot: GoValue, pipe: PipeNode, list: ListNode, elseList: ListNode | null) {
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, pipe);
      const { truth, ok } = isTrue(indirectInterface(value));
      if (!ok) this.errorf(`if/with can't use ${sprint([value])}`);
      if (truth && type === "With") {
        const saved = this.dotIface;
        this.dotIface = false;
        try {
          this.walk(value, list);
        } finally {
          this.dotIface = saved;
        }
      } else if (truth) {
        this.walk(dot, list);
      } else if (elseList) {
        this.walk(dot, elseList);
      }
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: GoValue, r: RangeNode) {
    this.at(r);
    const outer = this.vars.length;
    try {
      const value = this.evalPipeline(dot, r.pipe);
      const mark = this.vars.length;
      const kind = kindOf(value);
      const iface = kind === "map" || goTypeName(value) === "[]interface {}";
      const oneIteration = (index: GoValue, elem: GoValue) => {
        if (r.pipe.decl.length > 0) Object.assign(this.vars[this.vars.length - 1]!, { value: elem, iface });
        if (r.pipe.decl.length > 1) this.vars[this.vars.length - 2]!.value = index;
        const saved = this.dotIface;
        this.dotIface = iface;
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.dotIface = saved;
          this.vars.length = mark;
        }
      };
      if (kind === "slice" && Array.isArray(value)) {
        if (value.length > 0) {
          for (let i = 0; i < value.length; i++) oneIteration(BigInt(i), value[i] === undefined ? null : value[i]!);
          return;
        }
      } else if (kind === "map") {
        const map = value instanceof GoStruct ? value.fields : (value as Record<string, GoValue>);
        const keys = Object.keys(map).sort(compareBytes);
        if (keys.length > 0) {
          for (const key of keys) oneIteration(key, map[key] === undefined ? null : map[key]!);
          return;
        }
      } else if (kind !== "invalid") {
        this.errorf(`range can't iterate over ${sprint([value])}`);
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      this.vars.length = outer;
    }
  }

  private walkTemplate(dot: GoValue, name: string, pipe: PipeNode | null) {
    const tree = this.set.lookup(name);
    if (!tree) this.errorf(`template ${goQuote(name)} not defined`);
    if (this.depth === MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const value = this.evalPipeline(dot, pipe);
    const inner = new State(this.set, tree, [{ name: "$", value }], this.depth + 1);
    inner.out = this.out;
    inner.walk(value, tree.root);
  }

  evalPipeline(dot: GoValue, pipe: PipeNode | null): GoValue {
    if (!pipe) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // Go digs into an interface{} result: a nil interface becomes no value at all.
      if (value === null) value = undefined;
    }
    const result = value as GoValue;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, result);
      else this.vars.push({ name: variable.ident[0]!, value: result });
    }
    return result;
  }

  private notAFunction(args: Node[], final: Final) {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const args = cmd.args;
    const first = args[0]!;
    switch (first.type) {
      case "Field":
        this.at(first);
        return this.evalFieldChain(dot, dot, first, first.ident, args, final, this.dotIface);
      case "Chain":
        return this.evalChainNode(dot, first, args, final);
      case "Identifier":
        return this.evalFunction(dot, first.ident, first, args, final, cmd);
      case "Pipe":
        this.notAFunction(args, final);
        return this.evalPipeline(dot, first);
      case "Variable":
        return this.evalVariableNode(dot, first, args, final);
    }
    this.at(first);
    this.notAFunction(args, final);
    switch (first.type) {
      case "Bool":
        return first.true;
      case "Dot":
        return dot;
      case "Nil":
        this.errorf("nil is not a command");
      // falls through: errorf never returns
      case "Number":
        return this.idealConstant(first);
      case "String":
        return first.text;
    }
    this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`);
  }

  private idealConstant(n: NumberNode): GoValue {
    this.at(n);
    if (n.isComplex) this.errorf("complex numbers are not supported");
    const hexInt = n.text.length > 2 && n.text[0] === "0" && (n.text[1] === "x" || n.text[1] === "X") && !/[pP]/.test(n.text);
    if (n.isFloat && !hexInt && n.text[0] !== "'" && /[.eEpP]/.test(n.text)) return n.float64;
    if (n.isInt) {
      if (n.int64 > 0x7fffffffffffffffn || n.int64 < -0x8000000000000000n) this.errorf(`${n.text} overflows int`);
      return n.int64;
    }
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return undefined;
  }

  private evalChainNode(dot: GoValue, chain: Extract<Node, { type: "Chain" }>, args: Node[] | null, final: Final): GoValue {
    this.at(chain);
    if (chain.field.length === 0) this.errorf("internal error: no fields in evalChainNode");
    if (chain.node.type === "Nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: GoValue, variable: Extract<Node, { type: "Variable" }>, args: Node[] | null, final: Final): GoValue {
    this.at(variable);
    const value = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      if (args) this.notAFunction(args, final);
      return value;
    }
    const iface = this.vars.findLast((v) => v.name === variable.ident[0])?.iface ?? false;
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final, iface);
  }

  private evalFieldChain(
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
      current = this.evalField(dot, ident[i]!, node, null, MISSING, current, iface);
      iface = this.lastFromMap;
    }
    return this.evalField(dot, ident[ident.length - 1]!, node, args, final, current, iface);
  }

  private evalFunction(dot: GoValue, name: string, node: Node, args: Node[] | null, final: Final, cmd: Node): GoValue {
    this.at(node);
    const found = this.set.findFunction(name);
    if (!found) this.errorf(`${goQuote(name)} is not a defined function`);
    return this.evalCall(dot, found.fn, found.builtin, cmd, name, args, final);
  }

  private evalField(
    dot: GoValue,
    fieldName: string,
    node: Node,
    args: Node[] | null,
    final: Final,
    receiver: GoValue,
    receiverIface = false,
  ): GoValue {
    this.lastFromMap = false;
    if (receiver === undefined) {
      if (this.set.missingKey === "error") this.errorf(`nil data; no entry for key ${goQuote(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (receiver instanceof GoStruct) {
      const method = receiver.methods[fieldName];
      if (method) return this.evalCall(dot, method, false, node, fieldName, args, final);
      if (Object.hasOwn(receiver.fields, fieldName)) {
        if (receiver.kind === "map") {
          if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        } else if (hasArgs) {
          this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        }
        const value = receiver.fields[fieldName];
        this.lastFromMap = receiver.kind === "map";
        return value === undefined ? null : value;
      }
      if (receiver.kind === "map") return this.missingKey(fieldName, hasArgs);
    } else if (isGoMap(receiver) && !isGoFunc(receiver)) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      this.lastFromMap = true;
      if (Object.hasOwn(receiver, fieldName)) {
        const value = receiver[fieldName];
        return value === undefined ? null : value;
      }
      return this.missingKey(fieldName, hasArgs);
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${receiverIface ? "interface {}" : goTypeName(receiver)}`);
  }

  private missingKey(fieldName: string, hasArgs: boolean): GoValue {
    if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
    this.lastFromMap = true;
    if (this.set.missingKey === "error") this.errorf(`map has no entry for key ${goQuote(fieldName)}`);
    return this.set.missingKey === "zero" ? null : undefined;
  }

  private evalCall(dot: GoValue, fn: GoFunc, builtin: boolean, node: Node, name: string, argNodes: Node[] | null, final: Final): GoValue {
    const args = argNodes ? argNodes.slice(1) : [];
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const declared = fn.params.length + (fn.variadic ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic) {
      numFixed = fn.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== declared) {
      this.errorf(`wrong number of args for ${name}: want ${declared} got ${numIn}`);
    }

    if (builtin && (name === "and" || name === "or")) {
      let value: GoValue = undefined;
      for (const arg of args) {
        value = this.evalArg(dot, "reflect.Value", arg);
        if (isTrue(indirectInterface(value)).truth === (name === "or")) return value;
      }
      if (final !== MISSING) value = this.validate(final, "reflect.Value");
      return value;
    }

    const argv: GoValue[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, fn.params[i]!, args[i]!));
    if (fn.variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, fn.variadic, args[i]!));
    if (final !== MISSING) {
      let type: GoType = fn.variadic ?? fn.params[fn.params.length - 1]!;
      if (fn.variadic && numIn - 1 < numFixed) type = fn.params[numIn - 1]!;
      argv.push(this.validate(final, type));
    }
    try {
      return fn.call(...argv);
    } catch (error) {
      if (error === BREAK || error === CONTINUE) throw error;
      this.at(node);
      if (error instanceof RangeError && /call stack/i.test(error.message)) throw error;
      this.errorf(`error calling ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private validate(value: GoValue, type: GoType | null): GoValue {
    if (type === null) return value === null ? undefined : value;
    try {
      return validateType(value, type);
    } catch (error) {
      if (error instanceof ArgumentError) this.errorf(error.message);
      throw error;
    }
  }

  private evalArg(dot: GoValue, type: GoType | null, n: Node): GoValue {
    this.at(n);
    switch (n.type) {
      case "Dot":
        return this.validate(dot, type);
      case "Nil":
        if (type === null) this.errorf("cannot assign nil to <nil>");
        if (type === "interface {}" || type === "reflect.Value" || type.startsWith("[]") || type.startsWith("map")) {
          return type === "reflect.Value" ? undefined : null;
        }
        this.errorf(`cannot assign nil to ${type}`);
      // falls through: errorf never returns
      case "Field":
        return this.validate(this.evalFieldChain(dot, dot, n, n.ident, [n], MISSING), type);
      case "Variable":
        return this.validate(this.evalVariableNode(dot, n, null, MISSING), type);
      case "Pipe":
        return this.validate(this.evalPipeline(dot, n), type);
      case "Identifier":
        return this.validate(this.evalFunction(dot, n.ident, n, null, MISSING, n), type);
      case "Chain":
        return this.validate(this.evalChainNode(dot, n, null, MISSING), type);
    }
    switch (type) {
      case "bool":
        if (n.type === "Bool") return n.true;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      // falls through: errorf never returns
      case "float64":
        if (n.type === "Number" && n.isFloat) return n.float64;
        this.errorf(`expected float; found ${nodeString(n)}`);
      // falls through: errorf never returns
      case "int":
      case "int64":
        if (n.type === "Number" && n.isInt) return type === "int" ? n.int64 : new GoInt(n.int64, "int64");
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // falls through: errorf never returns
      case "string":
        if (n.type === "String") return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      // falls through: errorf never returns
      case null:
      case "interface {}":
      case "reflect.Value":
        return this.evalEmptyInterface(n);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${type}`);
  }

  private evalEmptyInterface(n: Node): GoValue {
    this.at(n);
    switch (n.type) {
      case "Bool":
        return n.true;
      case "Number":
        return this.idealConstant(n);
      case "String":
        return n.text;
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  private printValue(node: Node, value: GoValue) {
    this.at(node);
    if (value === undefined) {
      this.out.push("<no value>");
      return;
    }
    if (isGoFunc(value)) this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(value)}`);
    this.out.push(typeof value === "string" ? value : sprint([value]));
  }
}

/** Go sorts string map keys bytewise; UTF-16 order differs only beyond the BMP. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
