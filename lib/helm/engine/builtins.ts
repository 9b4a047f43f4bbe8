import { byteLength, indirectInterface, isTrue, kindOf, lengthOf } from "./convert";
import { sprint, sprintf, sprintln } from "./fmt";
import { GoInt, GoStruct, goTypeName, isGoFunc, isGoMap, typedSlice, type GoFunc, type GoValue } from "./value";

/**
 * text/template's predefined functions (Go's funcs.go). `and` and `or` are evaluated lazily by the
 * executor itself; the entries here only give them a signature.
 */
const fn = (params: GoFunc["params"], result: GoFunc["result"], call: GoFunc["call"], extra: Partial<GoFunc> = {}): GoFunc => ({
  params,
  result,
  call,
  ...extra,
});

class BuiltinError extends Error {}

const typeName = (v: GoValue) => (v === null ? "interface {}" : goTypeName(v));

function truth(v: GoValue): boolean {
  return isTrue(indirectInterface(v)).truth;
}

function indexArg(index: GoValue, cap: number): number {
  let x: bigint;
  if (typeof index === "bigint") x = index;
  else if (index instanceof GoInt) x = index.value;
  else if (index === undefined || index === null) throw new BuiltinError("cannot index slice/array with nil");
  else throw new BuiltinError(`cannot index slice/array with type ${goTypeName(index)}`);
  if (x < 0n || x > BigInt(cap)) throw new BuiltinError(`index out of range: ${x}`);
  return Number(x);
}

function stringBytes(s: string): Buffer {
  return Buffer.from(s, "utf8");
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  let current = indirectInterface(item);
  if (current === undefined) throw new BuiltinError("index of untyped nil");
  for (const raw of indexes) {
    const idx = indirectInterface(raw);
    if (current === null) throw new BuiltinError("index of nil pointer");
    const kind = kindOf(current);
    if (kind === "slice" && Array.isArray(current)) {
      const i = indexArg(idx, current.length);
      if (i >= current.length) throw new BuiltinError("reflect: slice index out of range");
      current = current[i] === undefined ? null : current[i]!;
    } else if (kind === "string") {
      const bytes = stringBytes(current as string);
      const i = indexArg(idx, bytes.length);
      if (i >= bytes.length) throw new BuiltinError("reflect: string index out of range");
      current = new GoInt(BigInt(bytes[i]!), "uint8");
    } else if (kind === "map") {
      if (idx === undefined) throw new BuiltinError("value is nil; should be of type string");
      if (typeof idx !== "string") throw new BuiltinError(`value has type ${goTypeName(idx)}; should be string`);
      const map: Record<string, GoValue> = current instanceof GoStruct ? current.fields : (current as Record<string, GoValue>);
      current = Object.hasOwn(map, idx) ? (map[idx] ?? null) : null;
    } else {
      throw new BuiltinError(`can't index item of type ${typeName(current)}`);
    }
  }
  return current;
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  const value = indirectInterface(item);
  if (value === undefined) throw new BuiltinError("slice of untyped nil");
  if (indexes.length > 3) throw new BuiltinError(`too many slice indexes: ${indexes.length}`);
  let length: number;
  if (typeof value === "string") {
    if (indexes.length === 3) throw new BuiltinError("cannot 3-index slice a string");
    length = byteLength(value);
  } else if (Array.isArray(value)) {
    length = value.length;
  } else {
    throw new BuiltinError(`can't slice item of type ${typeName(value)}`);
  }
  const idx = [0, length, length];
  indexes.forEach((index, i) => (idx[i] = indexArg(indirectInterface(index), length)));
  if (idx[0]! > idx[1]!) throw new BuiltinError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new BuiltinError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof value === "string") return stringBytes(value).subarray(idx[0], idx[1]).toString("utf8");
  const out = value.slice(idx[0], idx[1]);
  return goTypeName(value) === "[]interface {}" ? out : typedSlice(out, goTypeName(value));
}

function length(item: GoValue): GoValue {
  if (item === null) throw new BuiltinError("len of nil pointer");
  if (item === undefined) throw new BuiltinError("reflect: call of reflect.Value.Type on zero Value");
  const kind = kindOf(item);
  if (kind === "slice" || kind === "map" || kind === "string") return BigInt(lengthOf(item));
  throw new BuiltinError(`len of type ${goTypeName(item)}`);
}

type BasicKind = "invalid" | "bool" | "int" | "uint" | "float" | "string";

function basicKind(v: GoValue): BasicKind {
  const kind = kindOf(v);
  return kind === "bool" || kind === "int" || kind === "uint" || kind === "float" || kind === "string" ? kind : "invalid";
}

const intOf = (v: GoValue): bigint => (typeof v === "bigint" ? v : (v as GoInt).value);
const BAD_COMPARISON = "incompatible types for comparison";

function comparable(v: GoValue): boolean {
  return !(Array.isArray(v) || isGoMap(v) || v instanceof GoStruct);
}

function eq(arg1: GoValue, ...arg2: GoValue[]): boolean {
  const a = indirectInterface(arg1);
  if (arg2.length === 0) throw new BuiltinError("missing argument for comparison");
  const k1 = basicKind(a);
  for (const raw of arg2) {
    const b = indirectInterface(raw);
    const k2 = basicKind(b);
    let result = false;
    if (k1 !== k2) {
      if ((k1 === "int" && k2 === "uint") || (k1 === "uint" && k2 === "int")) result = intOf(a) === intOf(b);
      else if (a !== undefined && b !== undefined) throw new BuiltinError(BAD_COMPARISON);
    } else if (k1 === "int" || k1 === "uint") {
      result = intOf(a) === intOf(b);
    } else if (k1 !== "invalid") {
      result = a === b;
    } else {
      const ka = kindOf(a);
      const kb = kindOf(b);
      if (ka !== kb && ka !== "invalid" && kb !== "invalid") {
        throw new BuiltinError(`non-comparable types ${sprint([a])}: ${typeName(a)}, ${typeName(b)}: ${sprint([b])}`);
      }
      if (a === undefined || b === undefined) result = a === b;
      else if (!comparable(b)) throw new BuiltinError(`non-comparable type ${sprint([b])}: ${typeName(b)}`);
      else result = a === b;
    }
    if (result) return true;
  }
  return false;
}

function lt(arg1: GoValue, arg2: GoValue): boolean {
  const a = indirectInterface(arg1);
  const b = indirectInterface(arg2);
  const k1 = basicKind(a);
  if (k1 === "invalid") throw new BuiltinError("invalid type for comparison");
  const k2 = basicKind(b);
  if (k2 === "invalid") throw new BuiltinError("invalid type for comparison");
  if (k1 !== k2) {
    if (k1 === "int" && k2 === "uint") return intOf(a) < intOf(b);
    if (k1 === "uint" && k2 === "int") return intOf(a) < intOf(b);
    throw new BuiltinError(BAD_COMPARISON);
  }
  if (k1 === "bool") throw new BuiltinError("invalid type for comparison");
  if (k1 === "int" || k1 === "uint") return intOf(a) < intOf(b);
  if (k1 === "string") return Buffer.compare(stringBytes(a as string), stringBytes(b as string)) < 0;
  return (a as number) < (b as number);
}

const le = (a: GoValue, b: GoValue) => lt(a, b) || eq(a, b);

/** Go's evalArgs for html/js/urlquery: one string as it is, anything else as fmt.Sprint prints it. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? "<no value>" : a)));
}

const HTML: Record<string, string> = { "\0": "\uFFFD", '"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;" };

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => HTML[c]!);
}

const JS: Record<string, string> = { "\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D" };

export function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (JS[ch]) out += JS[ch];
    else if (code < 0x20) out += `\\u00${code.toString(16).toUpperCase().padStart(2, "0")}`;
    else if (code >= 0x80 && !/[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]/u.test(ch)) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = "";
  for (const byte of stringBytes(s)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function call(fnValue: GoValue, ...args: GoValue[]): GoValue {
  const f = indirectInterface(fnValue);
  if (f === undefined) throw new BuiltinError("call of nil");
  if (!isGoFunc(f)) throw new BuiltinError(`non-function of type ${goTypeName(f)}`);
  const fixed = f.params.length;
  if (f.variadic ? args.length < fixed : args.length !== fixed) {
    throw new BuiltinError(`wrong number of args: got ${args.length} want ${f.variadic ? "at least " : ""}${fixed}`);
  }
  return f.call(...args.map((a) => (a === undefined ? null : a)));
}

const V = "reflect.Value" as const;
const I = "interface {}" as const;

export const BUILTINS: Record<string, GoFunc> = {
  and: fn([V], V, () => undefined, { variadic: V }),
  or: fn([V], V, () => undefined, { variadic: V }),
  not: fn([V], "bool", (v) => !truth(v)),
  len: fn([V], "int", length, { returnsError: true }),
  index: fn([V], V, index, { variadic: V, returnsError: true }),
  slice: fn([V], V, slice, { variadic: V, returnsError: true }),
  print: fn([], "string", (...a) => sprint(a), { variadic: I }),
  printf: fn(["string"], "string", (f, ...a) => sprintf(f as string, a), { variadic: I }),
  println: fn([], "string", (...a) => sprintln(a), { variadic: I }),
  html: fn([], "string", (...a) => htmlEscape(evalArgs(a)), { variadic: I }),
  js: fn([], "string", (...a) => jsEscape(evalArgs(a)), { variadic: I }),
  urlquery: fn([], "string", (...a) => queryEscape(evalArgs(a)), { variadic: I }),
  eq: fn([V], "bool", (a, ...b) => eq(a, ...b), { variadic: V, returnsError: true }),
  ne: fn([V, V], "bool", (a, b) => !eq(a, b), { returnsError: true }),
  lt: fn([V, V], "bool", lt, { returnsError: true }),
  le: fn([V, V], "bool", le, { returnsError: true }),
  gt: fn([V, V], "bool", (a, b) => !le(a, b), { returnsError: true }),
  ge: fn([V, V], "bool", (a, b) => !lt(a, b), { returnsError: true }),
  call: fn([V], V, call, { variadic: V, returnsError: true }),
};
