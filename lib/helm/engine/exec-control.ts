import { indirectInterface, isTrue, kindOf } from "./convert";
import { evalPipeline } from "./exec-eval";
import { BREAK, CONTINUE, ExecState, MAX_DEPTH } from "./exec-state";
import { goQuote, sprint } from "./fmt";
import { nodeString, type ListNode, type Node, type PipeNode, type RangeNode } from "./parse";
import { GoStruct, goTypeName, isGoFunc, type GoValue } from "./value";

/**
 * text/template's control structures (exec.go's walk): actions print their value, if/with choose
 * a branch, range iterates slices and maps in Go's order, {{template}} runs a named template.
 */
export function walk(s: ExecState, dot: GoValue, node: Node): void {
  s.at(node);
  switch (node.type) {
    case "Action": {
      const value = evalPipeline(s, dot, node.pipe);
      if (node.pipe.decl.length === 0) printValue(s, node, value);
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
      return walkIfOrWith(s, node.type, dot, node.pipe, node.list, node.elseList);
    case "List":
      for (const child of node.nodes) walk(s, dot, child);
      return;
    case "Range":
      return walkRange(s, dot, node);
    case "Template":
      return walkTemplate(s, dot, node.name, node.pipe);
    case "Text":
      s.out.push(node.text);
      return;
    default:
      s.errorf(`unknown node: ${nodeString(node)}`);
  }
}

function walkIfOrWith(s: ExecState, type: "If" | "With", dot: GoValue, pipe: PipeNode, list: ListNode, elseList: ListNode | null) {
  const mark = s.vars.length;
  try {
    const value = evalPipeline(s, dot, pipe);
    const { truth, ok } = isTrue(indirectInterface(value));
    if (!ok) s.errorf(`if/with can't use ${sprint([value])}`);
    if (truth && type === "With") {
      const saved = s.dotIface;
      s.dotIface = false;
      try {
        walk(s, value, list);
      } finally {
        s.dotIface = saved;
      }
    } else if (truth) {
      walk(s, dot, list);
    } else if (elseList) {
      walk(s, dot, elseList);
    }
  } finally {
    s.vars.length = mark;
  }
}

function walkRange(s: ExecState, dot: GoValue, r: RangeNode) {
  s.at(r);
  const outer = s.vars.length;
  try {
    const value = evalPipeline(s, dot, r.pipe);
    const mark = s.vars.length;
    const kind = kindOf(value);
    const iface = kind === "map" || goTypeName(value) === "[]interface {}";
    if (kind === "slice" && Array.isArray(value)) {
      if (value.length > 0) {
        for (let i = 0; i < value.length; i++) rangeIteration(s, r, mark, iface, BigInt(i), value[i] === undefined ? null : value[i]!);
        return;
      }
    } else if (kind === "map") {
      const map = value instanceof GoStruct ? value.fields : (value as Record<string, GoValue>);
      const keys = Object.keys(map).sort(compareBytes);
      if (keys.length > 0) {
        for (const key of keys) rangeIteration(s, r, mark, iface, key, map[key] === undefined ? null : map[key]!);
        return;
      }
    } else if (kind !== "invalid") {
      s.errorf(`range can't iterate over ${sprint([value])}`);
    }
    if (r.elseList) walk(s, dot, r.elseList);
  } catch (e) {
    if (e !== BREAK) throw e;
  } finally {
    s.vars.length = outer;
  }
}

/** One pass of a range body: the declared variables take the element (and index); {{continue}} ends it. */
function rangeIteration(s: ExecState, r: RangeNode, mark: number, iface: boolean, index: GoValue, elem: GoValue) {
  if (r.pipe.decl.length > 0) {
    const variable = s.vars[s.vars.length - 1]!;
    variable.value = elem;
    variable.iface = iface;
  }
  if (r.pipe.decl.length > 1) s.vars[s.vars.length - 2]!.value = index;
  const saved = s.dotIface;
  s.dotIface = iface;
  try {
    walk(s, elem, r.list);
  } catch (e) {
    if (e !== CONTINUE) throw e;
  } finally {
    s.dotIface = saved;
    s.vars.length = mark;
  }
}

function walkTemplate(s: ExecState, dot: GoValue, name: string, pipe: PipeNode | null) {
  const tree = s.set.lookup(name);
  if (!tree) s.errorf(`template ${goQuote(name)} not defined`);
  if (s.depth === MAX_DEPTH) s.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
  const value = evalPipeline(s, dot, pipe);
  const inner = new ExecState(s.set, tree, [{ name: "$", value }], s.depth + 1);
  inner.out = s.out;
  walk(inner, value, tree.root);
}

function printValue(s: ExecState, node: Node, value: GoValue) {
  s.at(node);
  if (value === undefined) {
    s.out.push("<no value>");
    return;
  }
  if (isGoFunc(value)) s.errorf(`can't print ${nodeString(node)} of type ${goTypeName(value)}`);
  s.out.push(typeof value === "string" ? value : sprint([value]));
}

/** Go sorts string map keys bytewise; UTF-16 order differs only beyond the BMP. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
