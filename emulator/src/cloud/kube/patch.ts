import type { Json } from "../store.js";
import { deepClone, isPlainObject } from "../util.js";
import { badRequest, KubeError } from "./status.js";

/** RFC 7386 JSON merge patch: objects merge, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return deepClone(patch);
  const out: Json = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

const unescape = (token: string) => token.replace(/~1/g, "/").replace(/~0/g, "~");

function parentOf(doc: unknown, pointer: string): { parent: Json | unknown[]; key: string } {
  if (!pointer.startsWith("/")) throw badRequest(`invalid JSON pointer "${pointer}"`);
  const tokens = pointer.slice(1).split("/").map(unescape);
  const key = tokens.pop() as string;
  let node: unknown = doc;
  for (const token of tokens) {
    node = Array.isArray(node) ? node[Number(token)] : isPlainObject(node) ? node[token] : undefined;
    if (node === undefined) throw new KubeError(422, "Invalid", `the server rejected our request due to an error in our request: doc is missing path: "${pointer}"`);
  }
  if (!isPlainObject(node) && !Array.isArray(node)) throw new KubeError(422, "Invalid", `doc is missing path: "${pointer}"`);
  return { parent: node, key };
}

function read(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  const { parent, key } = parentOf(doc, pointer);
  const value = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (value === undefined) throw new KubeError(422, "Invalid", `doc is missing path: "${pointer}"`);
  return value;
}

function remove(doc: unknown, pointer: string) {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (key in parent) delete parent[key];
  else throw new KubeError(422, "Invalid", `unable to remove nonexistent key: ${key}: missing value`);
}

function add(doc: unknown, pointer: string, value: unknown, replace: boolean) {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) {
    const index = key === "-" ? parent.length : Number(key);
    if (replace) parent[index] = value;
    else parent.splice(index, 0, value);
  } else {
    if (replace && !(key in parent)) throw new KubeError(422, "Invalid", `replace operation does not apply: doc is missing key: ${pointer}`);
    parent[key] = value;
  }
}

/** RFC 6902 JSON patch, the default patch type of client-node. */
export function jsonPatch(target: Json, operations: unknown): Json {
  if (!Array.isArray(operations)) throw badRequest("json patch must be an array of operations");
  let doc: unknown = deepClone(target);
  for (const op of operations as Json[]) {
    const path = String(op.path ?? "");
    switch (op.op) {
      case "add":
      case "replace":
        if (path === "") doc = deepClone(op.value);
        else add(doc, path, deepClone(op.value), op.op === "replace");
        break;
      case "remove":
        remove(doc, path);
        break;
      case "move":
      case "copy": {
        const value = deepClone(read(doc, String(op.from)));
        if (op.op === "move") remove(doc, String(op.from));
        add(doc, path, value, false);
        break;
      }
      case "test":
        if (JSON.stringify(read(doc, path)) !== JSON.stringify(op.value)) throw new KubeError(422, "Invalid", `testing value ${path} failed`);
        break;
      default:
        throw badRequest(`unknown json patch operation "${String(op.op)}"`);
    }
  }
  if (!isPlainObject(doc)) throw badRequest("json patch must leave an object");
  return doc;
}

/** Leaf paths of an applied configuration (lists count as leaves: apply replaces them whole). */
export function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return prefix.length ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

function getPath(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), value);
}

function deletePath(value: Json, path: string[]) {
  const parent = getPath(value, path.slice(0, -1));
  if (isPlainObject(parent)) delete parent[path[path.length - 1] as string];
}

const IDENTITY = new Set(["apiVersion", "kind", "metadata.name", "metadata.namespace"]);

/**
 * Server-side apply, simplified: each field manager owns the fields of its last applied
 * configuration. A new apply removes the fields the manager owned and no longer sends, merges what
 * it sends, and conflicts (409) where another manager applied a different value, unless forced.
 */
export function serverSideApply(existing: Json | undefined, applied: Json, manager: string, force: boolean, previous: Record<string, Json>): Json {
  const conflicts: string[] = [];
  for (const path of leafPaths(applied)) {
    const dotted = path.join(".");
    if (IDENTITY.has(dotted)) continue;
    for (const [other, config] of Object.entries(previous)) {
      if (other === manager) continue;
      const theirs = getPath(config, path);
      if (theirs !== undefined && JSON.stringify(theirs) !== JSON.stringify(getPath(applied, path))) conflicts.push(`.${dotted} (owned by "${other}")`);
    }
  }
  if (conflicts.length > 0 && !force) {
    throw new KubeError(409, "Conflict", `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? "s" : ""}: conflicts with other managers: ${conflicts.join(", ")}`);
  }
  const base: Json = existing ? deepClone(existing) : {};
  const mine = previous[manager];
  if (mine) {
    const keep = new Set(leafPaths(applied).map((p) => p.join("\u0000")));
    for (const path of leafPaths(mine)) if (!keep.has(path.join("\u0000"))) deletePath(base, path);
  }
  return mergePatch(base, stripNulls(applied)) as Json;
}

function stripNulls(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, stripNulls(v)]));
}

/** managedFields entries in the FieldsV1 shape, so clients that read them see something familiar. */
export function fieldsV1(applied: Json): Json {
  const out: Json = {};
  for (const path of leafPaths(applied)) {
    if (path[0] === "apiVersion" || path[0] === "kind") continue;
    let node = out;
    for (const key of path) node = (node[`f:${key}`] ??= {}) as Json;
  }
  return out;
}
