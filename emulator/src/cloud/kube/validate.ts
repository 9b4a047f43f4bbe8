import type { Json } from "../store.js";
import { isPlainObject } from "../util.js";
import type { KubeType } from "./discovery.js";
import { checkCustomResource } from "./crd-schemas.js";
import { invalid } from "./status.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kinds whose names must be DNS labels (63 chars, no dots); the rest allow DNS subdomains. */
const LABEL_NAMED = new Set(["Namespace", "Service"]);

export function checkName(t: KubeType, name: string) {
  const label = LABEL_NAMED.has(t.kind);
  const max = label ? 63 : 253;
  if (!name || name.length > max || !(label ? DNS_LABEL : DNS_SUBDOMAIN).test(name)) {
    const rule = label
      ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
      : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    throw invalid(t, name, [{ field: "metadata.name", message: `Invalid value: "${name}": ${rule}` }]);
  }
}

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const NAME_RULE = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Why a label key is not a qualified name ("[prefix/]name"), in the API server's words, or undefined. */
function labelKeyProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return `a qualified name ${NAME_RULE.replace("name part ", "")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0] as string];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  if (!name) return "name part must be non-empty";
  if (name.length > 63) return "name part must be no more than 63 characters";
  if (!NAME_PART.test(name)) return NAME_RULE;
  return undefined;
}

function checkLabels(t: KubeType, name: string, metadata: Json) {
  const labels = metadata.labels;
  if (labels === undefined || labels === null) return;
  if (!isPlainObject(labels)) throw invalid(t, name, [{ field: "metadata.labels", message: "Invalid value: labels must be a map of strings" }]);
  const causes: { field: string; message: string }[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(k);
    if (keyProblem) causes.push({ field: "metadata.labels", message: `Invalid value: "${k}": ${keyProblem}` });
    if (typeof v !== "string") causes.push({ field: `metadata.labels`, message: `Invalid value: "${String(v)}": label values must be strings` });
    else if (v.length > 63) causes.push({ field: "metadata.labels", message: `Invalid value: "${v}": must be no more than 63 characters` });
    else if (!LABEL_VALUE.test(v)) causes.push({ field: "metadata.labels", message: `Invalid value: "${v}": ${VALUE_RULE}` });
  }
  if (causes.length) throw invalid(t, name, causes);
}

let nextIp = 10;

/** What the API server adds or refuses per kind. Mutates `obj`; `previous` is the stored version, if any. */
export function normalize(t: KubeType, obj: Json, previous?: Json) {
  const metadata = obj.metadata as Json;
  const name = metadata.name as string;
  checkLabels(t, name, metadata);
  switch (t.kind) {
    case "Namespace":
      metadata.labels = { ...(metadata.labels as Json | undefined), "kubernetes.io/metadata.name": name };
      obj.spec = { finalizers: ["kubernetes"] };
      obj.status = (previous?.status as Json | undefined) ?? { phase: "Active" };
      break;
    case "Secret": {
      const data: Json = { ...(obj.data as Json | undefined) };
      for (const [k, v] of Object.entries((obj.stringData as Json | undefined) ?? {})) data[k] = Buffer.from(String(v)).toString("base64");
      delete obj.stringData;
      for (const [k, v] of Object.entries(data)) {
        if (!DATA_KEY.test(k)) throw invalid(t, name, [{ field: `data[${k}]`, message: `Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'` }]);
        if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw invalid(t, name, [{ field: `data[${k}]`, message: "Invalid value: illegal base64 data" }]);
      }
      obj.data = data;
      obj.type ??= previous?.type ?? "Opaque";
      if (previous && previous.type !== obj.type) throw invalid(t, name, [{ field: "type", message: "Invalid value: field is immutable" }]);
      break;
    }
    case "ConfigMap":
      for (const [k, v] of Object.entries((obj.data as Json | undefined) ?? {})) {
        if (!DATA_KEY.test(k) || typeof v !== "string") throw invalid(t, name, [{ field: `data[${k}]`, message: "Invalid value: a config map value must be a string under a valid key" }]);
      }
      break;
    case "Service": {
      const spec = (obj.spec ?? {}) as Json;
      const ports = spec.ports;
      if (spec.type !== "ExternalName" && (!Array.isArray(ports) || ports.length === 0)) throw invalid(t, name, [{ field: "spec.ports", message: "Required value", type: "FieldValueRequired" }]);
      for (const [i, p] of ((ports ?? []) as Json[]).entries()) {
        if (!Number.isInteger(p.port) || (p.port as number) < 1 || (p.port as number) > 65535) throw invalid(t, name, [{ field: `spec.ports[${i}].port`, message: `Invalid value: ${String(p.port)}: must be between 1 and 65535, inclusive` }]);
        p.protocol ??= "TCP";
        p.targetPort ??= p.port;
      }
      const prevSpec = (previous?.spec ?? {}) as Json;
      spec.type ??= "ClusterIP";
      spec.clusterIP ??= prevSpec.clusterIP ?? (spec.type === "ExternalName" ? undefined : `10.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`);
      spec.clusterIPs = spec.clusterIP ? [spec.clusterIP] : undefined;
      spec.sessionAffinity ??= "None";
      spec.ipFamilies ??= ["IPv4"];
      spec.ipFamilyPolicy ??= "SingleStack";
      obj.spec = spec;
      obj.status ??= { loadBalancer: {} };
      break;
    }
    case "HelmRelease":
    case "HelmRepository": {
      const causes = checkCustomResource(t.kind, obj);
      if (causes.length) throw invalid(t, name, causes);
      break;
    }
  }
}
