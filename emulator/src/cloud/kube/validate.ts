import type { Json } from "../store.js";
import { isPlainObject } from "../util.js";
import type { KubeType } from "./discovery.js";
import { checkCustomResource } from "./crd-schemas.js";
import { applyWorkloadDefaults } from "./defaults.js";
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
    case "Ingress": {
      const causes = ingressProblems(obj);
      if (causes.length) throw invalid(t, name, causes);
      if (t.statusSubresource && !previous) obj.status = { loadBalancer: {} };
      break;
    }
    case "IngressClass":
      if (typeof (obj.spec as Json | undefined)?.controller !== "string") throw invalid(t, name, [{ field: "spec.controller", message: "Required value", type: "FieldValueRequired" }]);
      if (previous && (previous.spec as Json).controller !== (obj.spec as Json).controller) throw invalid(t, name, [{ field: "spec.controller", message: `Invalid value: "${String((obj.spec as Json).controller)}": field is immutable` }]);
      break;
    case "HelmRelease":
    case "HelmRepository": {
      const causes = checkCustomResource(t.kind, obj);
      if (causes.length) throw invalid(t, name, causes);
      break;
    }
  }
  applyWorkloadDefaults(t, obj, previous);
}

const PATH_TYPES = ["Exact", "Prefix", "ImplementationSpecific"];
const WILDCARD_HOST = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** networking.k8s.io/v1 Ingress validation, as the API server words it: hosts, path types, backends. */
function ingressProblems(obj: Json): { field: string; message: string; type?: string }[] {
  const spec = (obj.spec ?? {}) as Json;
  const causes: { field: string; message: string; type?: string }[] = [];
  const backendProblems = (backend: unknown, field: string) => {
    if (!isPlainObject(backend)) return;
    const service = backend.service;
    if (!isPlainObject(service) && !isPlainObject(backend.resource)) causes.push({ field, message: "Invalid value: \"\": one backend type must be specified", type: "FieldValueInvalid" });
    if (isPlainObject(service)) {
      if (typeof service.name !== "string" || !DNS_LABEL.test(service.name)) causes.push({ field: `${field}.service.name`, message: "Required value", type: "FieldValueRequired" });
      const port = (service.port ?? {}) as Json;
      if (port.name === undefined && port.number === undefined) causes.push({ field: `${field}.service.port`, message: "Invalid value: port name or number is required", type: "FieldValueInvalid" });
      if (port.name !== undefined && port.number !== undefined) causes.push({ field: `${field}.service.port`, message: "Invalid value: cannot set both port name & port number", type: "FieldValueInvalid" });
      if (port.number !== undefined && (!Number.isInteger(port.number) || (port.number as number) < 1 || (port.number as number) > 65535)) causes.push({ field: `${field}.service.port.number`, message: `Invalid value: ${String(port.number)}: must be between 1 and 65535, inclusive`, type: "FieldValueInvalid" });
    }
  };
  if (spec.defaultBackend !== undefined) backendProblems(spec.defaultBackend, "spec.defaultBackend");
  const rules = (spec.rules ?? []) as Json[];
  if (!Array.isArray(rules)) return [{ field: "spec.rules", message: "Invalid value: must be a list" }];
  if (rules.length === 0 && spec.defaultBackend === undefined) causes.push({ field: "spec.rules", message: "Required value: either `defaultBackend` or `rules` must be specified", type: "FieldValueRequired" });
  rules.forEach((rule, i) => {
    const host = rule.host;
    if (host !== undefined && (typeof host !== "string" || host.length > 253 || !(DNS_SUBDOMAIN.test(host) || WILDCARD_HOST.test(host)))) {
      causes.push({ field: `spec.rules[${i}].host`, message: `Invalid value: "${String(host)}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`, type: "FieldValueInvalid" });
    }
    const paths = ((rule.http as Json | undefined)?.paths ?? []) as Json[];
    if (rule.http !== undefined && paths.length === 0) causes.push({ field: `spec.rules[${i}].http.paths`, message: "Required value", type: "FieldValueRequired" });
    paths.forEach((p, j) => {
      const field = `spec.rules[${i}].http.paths[${j}]`;
      if (p.pathType === undefined) causes.push({ field: `${field}.pathType`, message: "Required value: pathType must be specified", type: "FieldValueRequired" });
      else if (!PATH_TYPES.includes(String(p.pathType))) causes.push({ field: `${field}.pathType`, message: `Unsupported value: "${String(p.pathType)}": supported values: "Exact", "ImplementationSpecific", "Prefix"`, type: "FieldValueNotSupported" });
      if (p.pathType !== "ImplementationSpecific" && (typeof p.path !== "string" || !p.path.startsWith("/"))) causes.push({ field: `${field}.path`, message: `Invalid value: "${String(p.path ?? "")}": must be an absolute path`, type: "FieldValueInvalid" });
      if (p.backend === undefined) causes.push({ field: `${field}.backend`, message: "Required value", type: "FieldValueRequired" });
      else backendProblems(p.backend, `${field}.backend`);
    });
  });
  return causes;
}
