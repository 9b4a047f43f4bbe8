import type { Json } from "../store.js";
import { badRequest } from "./status.js";

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas that are not inside a set: "a in (x,y),b" → ["a in (x,y)", "b"]. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  if (current.trim()) terms.push(current);
  return terms.map((t) => t.trim()).filter(Boolean);
}

function parseTerm(term: string): Requirement {
  let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = list.split(",").map((v) => v.trim());
    return op === "in" ? (l) => key in l && values.includes(l[key] as string) : (l) => !(key in l) || !values.includes(l[key] as string);
  }
  m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^(!?)([\w./-]+)$/.exec(term);
  if (m) {
    const [, not, key] = m as unknown as [string, string, string];
    return not ? (l) => !(key in l) : (l) => key in l;
  }
  throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
}

export function labelMatcher(selector: string | null): (obj: Json) => boolean {
  if (!selector) return () => true;
  const requirements = splitTerms(selector).map(parseTerm);
  return (obj) => {
    const labels = ((obj.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
    return requirements.every((r) => r(labels));
  };
}

/**
 * The field selectors clients use in practice: metadata.name and metadata.namespace, and an Event's
 * involvedObject.*, reason and type (what `kubectl describe` asks for an object's events).
 */
export function fieldMatcher(selector: string | null): (obj: Json) => boolean {
  if (!selector) return () => true;
  const fields = /^(metadata\.name|metadata\.namespace|involvedObject\.(?:kind|namespace|name|uid|apiVersion)|reason|type)\s*(==|=|!=)\s*(.*)$/;
  const checks = splitTerms(selector).map((term) => {
    const m = fields.exec(term);
    if (!m) throw badRequest(`field label not supported: ${term.split(/[=!]/)[0]}`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const read = (obj: Json) => field.split(".").reduce<unknown>((node, key) => (node as Json | undefined)?.[key], obj);
    return (obj: Json) => (String(read(obj) ?? "") === value) === (op !== "!=");
  });
  return (obj) => checks.every((c) => c(obj));
}
