import { randomBytes, randomUUID } from "node:crypto";
import type { ClusterState, Json } from "../store.js";
import { isPlainObject } from "../util.js";
import type { KubeClusters } from "./clusters.js";
import { kubeNow } from "./clusters.js";
import { CORE_TYPES, groupVersion, type KubeType } from "./discovery.js";
import { fieldsV1, jsonPatch, mergePatch, serverSideApply } from "./patch.js";
import { alreadyExists, badRequest, conflict, invalid, KubeError, notFound } from "./status.js";
import { strategicMergePatch } from "./strategic.js";
import { checkName, normalize } from "./validate.js";

export interface WriteOptions {
  manager: string;
  dryRun: boolean;
}

const NAMESPACE = CORE_TYPES[0] as KubeType;
const SYSTEM = new Set(["default", "kube-system", "kube-public"]);

function checkKind(t: KubeType, body: Json) {
  if (body.kind !== undefined && body.kind !== t.kind) throw badRequest(`the kind of the provided object (${String(body.kind)}) does not match the kind of the request (${t.kind})`);
  if (body.apiVersion !== undefined && body.apiVersion !== groupVersion(t)) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${groupVersion(t)})`);
  }
}

/** Everything but metadata and status: a change there is a new generation. */
const specOf = (obj: Json) => JSON.stringify(Object.fromEntries(Object.entries(obj).filter(([k]) => k !== "metadata" && k !== "status")));

function withManagedField(obj: Json, manager: string, operation: "Apply" | "Update", fields: Json, subresource?: string) {
  const metadata = obj.metadata as Json;
  const others = ((metadata.managedFields as Json[] | undefined) ?? []).filter((m) => !(m.manager === manager && m.operation === operation && m.subresource === subresource));
  metadata.managedFields = [...others, { manager, operation, apiVersion: obj.apiVersion, time: kubeNow(), fieldsType: "FieldsV1", fieldsV1: fieldsV1(fields), ...(subresource ? { subresource } : {}) }];
}

export class Verbs {
  constructor(private readonly kube: KubeClusters) {}

  create(cluster: ClusterState, t: KubeType, namespace: string | undefined, body: Json, options: WriteOptions, applied?: Record<string, Json>): Json {
    checkKind(t, body);
    const metadata = { ...((body.metadata ?? {}) as Json) };
    if (metadata.resourceVersion) throw badRequest("resourceVersion should not be set on objects to be created");
    const name = (metadata.name as string | undefined) ?? (metadata.generateName ? `${String(metadata.generateName)}${randomBytes(3).toString("hex").slice(0, 5)}` : undefined);
    if (!name) throw invalid(t, "", [{ field: "metadata.name", message: "Required value: name or generateName is required", type: "FieldValueRequired" }]);
    checkName(t, name);
    if (t.namespaced) {
      if (metadata.namespace && metadata.namespace !== namespace) throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      const ns = this.kube.read(cluster, NAMESPACE, undefined, namespace as string);
      if (!ns) throw notFound(NAMESPACE, namespace as string);
      if ((ns.status as Json | undefined)?.phase === "Terminating") {
        throw new KubeError(403, "Forbidden", `${t.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
          name,
          ...(t.group ? { group: t.group } : {}),
          kind: t.plural,
          causes: [{ reason: "NamespaceTerminating", message: `namespace ${namespace} is being terminated`, field: "metadata.namespace" }],
        });
      }
    }
    if (this.kube.read(cluster, t, namespace, name)) throw alreadyExists(t, name);
    const obj: Json = {
      ...body,
      apiVersion: groupVersion(t),
      kind: t.kind,
      metadata: { ...metadata, name, ...(t.namespaced ? { namespace } : {}), uid: randomUUID(), creationTimestamp: kubeNow(), generation: 1 },
    };
    delete (obj.metadata as Json).namespace;
    if (t.namespaced) (obj.metadata as Json).namespace = namespace;
    if (t.statusSubresource) delete obj.status;
    normalize(t, obj);
    if (applied) withManagedField(obj, options.manager, "Apply", applied[options.manager] ?? {});
    else withManagedField(obj, options.manager, "Update", body);
    if (options.dryRun) {
      this.kube.admit(cluster, t, obj);
      return obj;
    }
    const stored = this.kube.write(cluster, t, obj, applied);
    if (t.kind === "Namespace") this.kube.addDefaultServiceAccount(cluster, name);
    return stored;
  }

  /** Replace semantics shared by PUT, patches and apply: identity is kept, generation follows the spec. */
  update(cluster: ClusterState, t: KubeType, existing: Json, incoming: Json, options: WriteOptions & { statusOnly?: boolean; applied?: Record<string, Json> }): Json {
    checkKind(t, incoming);
    const current = existing.metadata as Json;
    const metadata = { ...((incoming.metadata ?? {}) as Json) };
    if (metadata.name !== undefined && metadata.name !== current.name) throw badRequest(`the name of the object (${String(metadata.name)}) does not match the name on the URL (${String(current.name)})`);
    if (metadata.resourceVersion !== undefined && metadata.resourceVersion !== "" && metadata.resourceVersion !== current.resourceVersion) throw conflict(t, current.name as string);
    if (metadata.uid !== undefined && metadata.uid !== current.uid) throw new KubeError(409, "Conflict", `Precondition failed: UID in precondition: ${String(metadata.uid)}, UID in object meta: ${String(current.uid)}`);

    let obj: Json;
    if (options.statusOnly) {
      obj = { ...existing, status: incoming.status };
    } else {
      obj = { ...incoming, apiVersion: groupVersion(t), kind: t.kind };
      if (current.deletionTimestamp) {
        const before = new Set((current.finalizers as string[] | undefined) ?? []);
        const added = ((metadata.finalizers as string[] | undefined) ?? []).filter((f) => !before.has(f));
        if (added.length > 0) throw invalid(t, current.name as string, [{ field: "metadata.finalizers", message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`, type: "FieldValueForbidden" }]);
      }
      // Whoever writes, a deletion once started stays started.
      const deletion = current.deletionTimestamp ? { deletionTimestamp: current.deletionTimestamp, deletionGracePeriodSeconds: current.deletionGracePeriodSeconds } : {};
      obj.metadata = { ...metadata, name: current.name, ...(t.namespaced ? { namespace: current.namespace } : {}), uid: current.uid, creationTimestamp: current.creationTimestamp, generation: current.generation ?? 1, managedFields: current.managedFields, ...deletion };
      if (t.statusSubresource) {
        if (existing.status !== undefined) obj.status = existing.status;
        else delete obj.status;
      }
    }
    const meta = obj.metadata as Json;
    if (specOf(obj) !== specOf(existing)) meta.generation = ((current.generation as number | undefined) ?? 1) + 1;
    normalize(t, obj, existing);
    if (options.applied) withManagedField(obj, options.manager, "Apply", options.applied[options.manager] ?? {});
    else withManagedField(obj, options.manager, "Update", options.statusOnly ? { status: incoming.status ?? {} } : incoming, options.statusOnly ? "status" : undefined);

    // A write that changes nothing keeps the resourceVersion, as the API server does.
    const comparable = (o: Json) => JSON.stringify({ ...o, metadata: { ...(o.metadata as Json), resourceVersion: undefined, managedFields: undefined } });
    if (comparable(obj) === comparable(existing)) {
      if (options.applied && !options.dryRun) this.kube.setApplied(cluster, t, existing, options.applied);
      return existing;
    }
    meta.resourceVersion = current.resourceVersion;
    if (options.dryRun) return obj;
    return this.kube.write(cluster, t, obj, options.applied);
  }

  patch(cluster: ClusterState, t: KubeType, namespace: string | undefined, name: string, contentType: string, patch: unknown, options: WriteOptions & { force: boolean; statusOnly: boolean }): { obj: Json; created: boolean } {
    const record = this.kube.record(cluster, t, namespace, name);
    if (contentType === "application/apply-patch+yaml" || contentType === "application/apply-patch+json") {
      if (!options.manager || options.manager === "unknown") throw badRequest("PATCH requests with apply require fieldManager to be set");
      if (!isPlainObject(patch)) throw badRequest("apply patch must be an object");
      const metadata = (patch.metadata ?? {}) as Json;
      if (metadata.name !== undefined && metadata.name !== name) throw badRequest(`the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`);
      if (!patch.apiVersion || !patch.kind) throw badRequest("apiVersion and kind are required in an applied configuration");
      const applied = { ...(record?.applied ?? {}), [options.manager]: patch };
      if (!record) {
        const merged = serverSideApply(undefined, { ...patch, metadata: { ...metadata, name } }, options.manager, true, {});
        return { obj: this.create(cluster, t, namespace, merged, options, applied), created: true };
      }
      const merged = serverSideApply(record.obj, patch, options.manager, options.force, record.applied ?? {});
      const statusPatch = options.statusOnly ? { status: merged.status } : merged;
      return { obj: this.update(cluster, t, record.obj, { ...statusPatch, metadata: { ...(merged.metadata as Json), resourceVersion: undefined } }, { ...options, applied }), created: false };
    }
    if (!record) throw notFound(t, name);
    let next: Json;
    if (contentType === "application/json-patch+json") next = jsonPatch(record.obj, patch);
    else if (contentType === "application/merge-patch+json") next = mergePatch(record.obj, patch) as Json;
    // Custom resources have no strategic merge metadata: the API server refuses it for them (415 below).
    else if (contentType === "application/strategic-merge-patch+json" && !t.custom) next = strategicMergePatch(t.kind, record.obj, patch);
    else throw new KubeError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
    const incoming = { ...next, metadata: { ...(next.metadata as Json), resourceVersion: (isPlainObject(patch) && isPlainObject(patch.metadata) ? patch.metadata.resourceVersion : undefined) ?? undefined } };
    return { obj: this.update(cluster, t, record.obj, incoming, options), created: false };
  }

  delete(cluster: ClusterState, t: KubeType, namespace: string | undefined, name: string, dryRun: boolean): Json {
    const existing = this.kube.read(cluster, t, namespace, name);
    if (!existing) throw notFound(t, name);
    const metadata = existing.metadata as Json;
    if (t.kind === "Namespace") {
      if (SYSTEM.has(name)) throw new KubeError(403, "Forbidden", `namespaces "${name}" is forbidden: this namespace may not be deleted`);
      return dryRun ? { ...existing, metadata: { ...metadata, deletionTimestamp: kubeNow() }, status: { phase: "Terminating" } } : this.kube.terminateNamespace(cluster, existing);
    }
    // Not gone at once (finalizers): the API server answers with the object, now carrying its deletionTimestamp.
    const remaining = this.kube.deleteGracefully(cluster, t, existing, dryRun);
    if (remaining) return remaining;
    return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, ...(t.group ? { group: t.group } : {}), kind: t.plural, uid: metadata.uid } };
  }
}
