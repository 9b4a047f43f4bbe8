import { goQuote } from "@/lib/helm/engine/fmt-quote";
import type { GoMap, GoValue } from "@/lib/helm/engine/value";
import { isTable } from "./coalesce";
import { parseYamlMap } from "./encoding/sigs-yaml";

/** chartutil.Values helpers (pkg/chartutil/values.go): Table, PathValue, ReadValues. */
export class ErrNoTable extends Error {
  constructor(readonly key: string) {
    super(`${goQuote(key)} is not a table`);
  }
}

export class ErrNoValue extends Error {
  constructor(readonly key: string) {
    super(`${goQuote(key)} is not a value`);
  }
}

function tableLookup(v: GoMap, simple: string): GoMap {
  if (!Object.hasOwn(v, simple)) throw new ErrNoTable(simple);
  const inner = v[simple];
  if (isTable(inner)) return inner;
  throw new ErrNoTable(simple);
}

/** Values.Table("a.b"): the nested table, or ErrNoTable for the first key that is not one. */
export function table(values: GoMap, name: string): GoMap {
  let t = values;
  for (const n of name.split(".")) t = tableLookup(t, n);
  return t;
}

/** Values.PathValue("a.b.c"): a non-table value, or ErrNoValue. */
export function pathValue(values: GoMap, path: string): GoValue {
  if (path === "") throw new Error("YAML path cannot be empty");
  const parts = path.split(".");
  const key = parts.pop()!;
  if (parts.length === 0) {
    if (Object.hasOwn(values, key) && !isTable(values[key])) return values[key];
    throw new ErrNoValue(key);
  }
  let t: GoMap;
  try {
    t = table(values, parts.join("."));
  } catch {
    throw new ErrNoValue(key);
  }
  if (Object.hasOwn(t, key) && !isTable(t[key])) return t[key];
  throw new ErrNoValue(key);
}

/** chartutil.ReadValues: YAML text to values ({} for an empty document). */
export function readValues(yaml: string): GoMap {
  return parseYamlMap(yaml);
}
