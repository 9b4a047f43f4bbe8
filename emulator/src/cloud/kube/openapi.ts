import type { KubeType } from "./discovery.js";
import { KUBERNETES_VERSION } from "./discovery.js";

/**
 * The API server's OpenAPI v2 document, reduced to what clients read from it: one PATCH operation
 * per kind, tagged with `x-kubernetes-group-version-kind` and taking the `dryRun` query parameter.
 * kubectl 1.20 looks for exactly that before `kubectl diff` (a server-side dry run) and refuses with
 * "doesn't support dry-run" otherwise. No schemas (`definitions`): kubectl then falls back to its
 * compiled-in types for built-in kinds and to JSON merge patches for custom resources, as it does
 * for a CRD without a schema.
 */

interface PatchPath {
  path: string;
  operationId: string;
  gvk: { group: string; version: string; kind: string };
}

function paths(types: KubeType[]): PatchPath[] {
  return types.map((t) => {
    const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
    const path = t.namespaced ? `${base}/namespaces/{namespace}/${t.plural}/{name}` : `${base}/${t.plural}/{name}`;
    const groupWord = t.group ? t.group.split(".")[0]!.replace(/^./, (c) => c.toUpperCase()) : "Core";
    return { path, operationId: `patch${groupWord}${t.version.replace(/^./, (c) => c.toUpperCase())}${t.namespaced ? "Namespaced" : ""}${t.kind}`, gvk: { group: t.group, version: t.version, kind: t.kind } };
  });
}

// A tiny protobuf writer: strings and nested messages are all this document needs.
function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
const field = (num: number, payload: Buffer) => Buffer.concat([varint((num << 3) | 2), varint(payload.length), payload]);
const text = (num: number, value: string) => field(num, Buffer.from(value, "utf8"));
const message = (num: number, ...parts: Buffer[]) => field(num, Buffer.concat(parts));

const gvkYaml = (g: PatchPath["gvk"]) => `group: "${g.group}"\nkind: ${g.kind}\nversion: ${g.version}\n`;

/** gnostic's openapi_v2.Document in protobuf, as kubectl asks for it (application/com.github.proto-openapi.spec.v2@v1.0+protobuf). */
export function openApiProtobuf(types: KubeType[]): Buffer {
  const pathItems = paths(types).map((p) => {
    // Operation: operation_id = 5, parameters = 8 (ParametersItem.parameter = 1 → Parameter.non_body_parameter = 2 →
    // NonBodyParameter.query_parameter_sub_schema = 3 → in = 2, name = 4, type = 6), vendor_extension = 13 (NamedAny: name = 1, value = 2 → Any.yaml = 2).
    const dryRun = message(8, message(1, message(2, message(3, text(2, "query"), text(4, "dryRun"), text(6, "string")))));
    const extension = message(13, text(1, "x-kubernetes-group-version-kind"), message(2, text(2, gvkYaml(p.gvk))));
    const operation = message(8, text(5, p.operationId), dryRun, extension);
    // Paths.path = 2 (NamedPathItem: name = 1, value = 2 → PathItem.patch = 8).
    return message(2, text(1, p.path), message(2, operation));
  });
  // Document: swagger = 1, info = 2 (title = 1, version = 2), paths = 8.
  return Buffer.concat([text(1, "2.0"), message(2, text(1, "Kubernetes"), text(2, KUBERNETES_VERSION.gitVersion)), message(8, ...pathItems)]);
}

/** The same document as JSON, for clients that ask for it that way. */
export function openApiJson(types: KubeType[]) {
  const out: Record<string, unknown> = {};
  for (const p of paths(types)) {
    out[p.path] = {
      patch: {
        operationId: p.operationId,
        consumes: ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"],
        produces: ["application/json", "application/yaml"],
        parameters: [{ uniqueItems: true, type: "string", name: "dryRun", in: "query" }],
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": p.gvk,
      },
    };
  }
  return { swagger: "2.0", info: { title: "Kubernetes", version: KUBERNETES_VERSION.gitVersion }, paths: out };
}
