/** One Helm value that a change sets, drops or alters, by its dotted path; values as JSON. */
export interface ValueChange {
  path: string;
  before?: string;
  after?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Longest value shown; a longer one is cut with an ellipsis (the stored what-if stays small). */
const SHOWN = 200;
const shown = (v: unknown) => {
  const text = JSON.stringify(v);
  return text.length > SHOWN ? `${text.slice(0, SHOWN - 1)}…` : text;
};

function leaves(value: unknown, prefix: string, into: Map<string, unknown>): Map<string, unknown> {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, into);
  } else if (prefix) {
    // Lists are compared whole: Helm replaces a list, it never merges one.
    into.set(prefix, value);
  }
  return into;
}

/** The Helm values diff, path by path in sorted order: what Flux hands Helm differently after the change. */
export function diffValues(before: Record<string, unknown>, after: Record<string, unknown>): ValueChange[] {
  const a = leaves(before, "", new Map());
  const b = leaves(after, "", new Map());
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: ValueChange[] = [];
  for (const path of paths) {
    const was = a.has(path) ? shown(a.get(path)) : undefined;
    const will = b.has(path) ? shown(b.get(path)) : undefined;
    if (was === will && JSON.stringify(a.get(path)) === JSON.stringify(b.get(path))) continue;
    changes.push({ path, ...(was !== undefined ? { before: was } : {}), ...(will !== undefined ? { after: will } : {}) });
  }
  return changes;
}
