import { walk } from "./exec-control";
import { ExecState } from "./exec-state";
import type { Tree } from "./parse";
import type { TemplateSet } from "./template";
import type { GoValue } from "./value";

export { ExecError } from "./exec-state";

/**
 * Go's text/template executor (exec.go), over the value model of ./value.ts: the execution state
 * and scope (./exec-state.ts), control structures (./exec-control.ts) and pipelines
 * (./exec-eval.ts).
 */
export function execute(set: TemplateSet, tree: Tree, data: GoValue): string {
  // Go's Execute takes reflect.ValueOf(data): a nil argument is no value at all.
  const dot = data === null ? undefined : data;
  const state = new ExecState(set, tree, [{ name: "$", value: dot }], 0);
  walk(state, dot, tree.root);
  return state.out.join("");
}
