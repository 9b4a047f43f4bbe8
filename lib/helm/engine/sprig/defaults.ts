/**
 * Sprig's defaults.go and reflect.go: default/empty/coalesce/all/any/ternary by Sprig's notion of
 * empty, and the type functions, which print types as Go's %T does.
 */
import { sprintf } from "../fmt";
import { deepEqual, empty } from "./convert";
import { fn, variadic } from "./func";
import { goKindName, type GoFunc } from "../value";

const I = "interface {}";

export const defaultFunctions: Record<string, GoFunc> = {
  default: variadic([I], I, I, (d, given) => (given.length === 0 || empty(given[0]!) ? d : given[0]!)),
  empty: fn([I], "bool", empty),
  coalesce: variadic([], I, I, (vs) => vs.find((v) => !empty(v)) ?? null),
  all: variadic([], I, "bool", (vs) => vs.every((v) => !empty(v))),
  any: variadic([], I, "bool", (vs) => vs.some((v) => !empty(v))),
  ternary: fn([I, I, "bool"], I, (vt, vf, v) => (v ? vt : vf)),
  typeOf: fn([I], "string", (v) => sprintf("%T", [v])),
  typeIs: fn(["string", I], "bool", (target, v) => target === sprintf("%T", [v])),
  typeIsLike: fn(["string", I], "bool", (target, v) => {
    const t = sprintf("%T", [v]);
    return target === t || "*" + target === t;
  }),
  kindOf: fn([I], "string", (v) => goKindName(v)),
  kindIs: fn(["string", I], "bool", (target, v) => target === goKindName(v)),
  deepEqual: fn([I, I], "bool", deepEqual),
};

