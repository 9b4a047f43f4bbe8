import { GoInt, GoStruct, typedSlice, type GoFunc, type GoType, type GoValue } from "@/lib/helm/engine/value";
import type { ChartFile } from "./chart";
import { setJsonView } from "./encoding/go-json";
import { sigsMarshal } from "./encoding/sigs-yaml";
import { compileGlob } from "./glob";

/**
 * `.Files` (pkg/engine/files.go): the named map type `engine.files` (path → []byte) with its
 * methods Get, GetBytes, Glob, AsConfig, AsSecrets and Lines. A []byte is a `[]uint8` slice of
 * uint8 GoInts, built when a template first reads it.
 */
export const FILES_TYPE = "engine.files";

export function bytesValue(data: Buffer): GoValue[] {
  return typedSlice(
    Array.from(data, (b) => new GoInt(BigInt(b), "uint8")),
    "[]uint8",
  );
}

/** Helm's toYAML: sigs.k8s.io/yaml without the final newline, "" on error. */
function toYaml(v: GoValue): string {
  try {
    return sigsMarshal(v).replace(/\n$/, "");
  } catch {
    return "";
  }
}

function baseName(p: string): string {
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return p === "" ? "." : "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

const S: GoType = "string";

export function newFiles(from: ChartFile[]): GoStruct {
  const data = new Map<string, Buffer>();
  for (const f of from) data.set(f.name, f.data);
  return filesStruct(data);
}

function filesStruct(data: Map<string, Buffer>): GoStruct {
  const fields: Record<string, GoValue> = {};
  for (const [name, bytes] of data) {
    let cached: GoValue[] | undefined;
    Object.defineProperty(fields, name, { enumerable: true, get: () => (cached ??= bytesValue(bytes)) });
  }
  const method = (params: GoType[], result: string, call: (...args: GoValue[]) => GoValue): GoFunc => ({
    params,
    result: result as GoType,
    call,
  });
  const getBytes = (name: string): Buffer => data.get(name) ?? Buffer.alloc(0);
  const methods: Record<string, GoFunc> = {
    GetBytes: method([S], "[]uint8", (name) => bytesValue(getBytes(name as string))),
    Get: method([S], S, (name) => getBytes(name as string).toString("utf8")),
    Glob: method([S], FILES_TYPE, (pattern) => {
      const g = compileGlob(pattern as string) ?? (() => true);
      return filesStruct(new Map([...data].filter(([name]) => g(name))));
    }),
    AsConfig: method([], S, () => {
      const m: Record<string, GoValue> = {};
      for (const [k, v] of data) m[baseName(k)] = v.toString("utf8");
      return toYaml(m);
    }),
    AsSecrets: method([], S, () => {
      const m: Record<string, GoValue> = {};
      for (const [k, v] of data) m[baseName(k)] = v.toString("base64");
      return toYaml(m);
    }),
    Lines: method([S], "[]string", (path) => {
      const bytes = data.get(path as string);
      if (bytes === undefined) return typedSlice([], "[]string");
      let s = bytes.toString("utf8");
      // Helm indexes s[len(s)-1] unguarded; an empty file panics the render.
      if (s === "") throw new RangeError("runtime error: index out of range [-1]");
      if (s.endsWith("\n")) s = s.slice(0, -1);
      return typedSlice(s.split("\n"), "[]string");
    }),
  };
  const files = new GoStruct(FILES_TYPE, fields, methods, "map");
  return setJsonView(files, () => {
    const out: Record<string, GoValue> = {};
    for (const [k, v] of data) out[k] = bytesValue(v);
    return out;
  });
}
