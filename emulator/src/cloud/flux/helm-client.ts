import type { RenderedObject } from "@/lib/helm/render";
import type { ClusterState, Json } from "../store.js";
import type { KubeClusters } from "../kube/clusters.js";
import { groupVersion, type KubeType } from "../kube/discovery.js";
import { KubeError } from "../kube/status.js";
import { Verbs } from "../kube/verbs.js";

/** Helm refused or failed; the message is Helm's, as helm-controller quotes it after its own words. */
export class HelmError extends Error {}

/** A rendered document Helm can send: the kind the cluster serves it as, its namespace filled in. */
export interface Built {
  t: KubeType;
  doc: Json;
  name: string;
  namespace?: string;
}

const RELEASE_NAME = "meta.helm.sh/release-name";
const RELEASE_NAMESPACE = "meta.helm.sh/release-namespace";
const MANAGED_BY = "app.kubernetes.io/managed-by";

/** Hashicorp's multierror, which Helm's kube client returns from its per-object work. */
export function multiError(messages: string[]): string {
  if (messages.length === 1) return `1 error occurred:\n\t* ${messages[0]}`;
  return `${messages.length} errors occurred:\n\t${messages.map((m) => `* ${m}`).join("\n\t")}`;
}

/**
 * Helm's kube client as helm-controller configures it (field manager helm-controller, origin
 * labels from its post-renderer), writing through the cluster's API like any client, so what it
 * sends is validated and stored as the API server would.
 */
export class HelmClient {
  private readonly verbs: Verbs;

  constructor(
    private readonly kube: KubeClusters,
    private readonly cluster: ClusterState,
    readonly release: { name: string; namespace: string },
    private readonly origin: { name: string; namespace: string },
  ) {
    this.verbs = new Verbs(kube);
  }

  /** kube.Client.Build: each document mapped to a kind the cluster serves, else Helm's mapping error. */
  build(objects: RenderedObject[], owned: boolean): Built[] {
    const types = this.kube.types(this.cluster);
    return objects.map((o) => {
      const t = types.find((x) => groupVersion(x) === o.apiVersion && x.kind === o.kind);
      if (!t) {
        const ns = o.namespace ?? "";
        throw new HelmError(
          `resource mapping not found for name: "${o.name}" namespace: "${ns}" from "": no matches for kind "${o.kind}" ` +
            `in version "${o.apiVersion}"\nensure CRDs are installed first`,
        );
      }
      const doc = structuredClone(o.document) as Json;
      const metadata = { ...((doc.metadata ?? {}) as Json) };
      const namespace = t.namespaced ? (o.namespace ?? this.release.namespace) : undefined;
      if (namespace) metadata.namespace = namespace;
      else delete metadata.namespace;
      metadata.labels = {
        ...((metadata.labels ?? {}) as Json),
        "helm.toolkit.fluxcd.io/name": this.origin.name,
        "helm.toolkit.fluxcd.io/namespace": this.origin.namespace,
        // setMetadataVisitor: what marks an object as this release's, for adoption and uninstall.
        ...(owned ? { [MANAGED_BY]: "Helm" } : {}),
      };
      if (owned) {
        metadata.annotations = {
          ...((metadata.annotations ?? {}) as Json),
          [RELEASE_NAME]: this.release.name,
          [RELEASE_NAMESPACE]: this.release.namespace,
        };
      }
      doc.metadata = metadata;
      return { t, doc, name: o.name, ...(namespace ? { namespace } : {}) };
    });
  }

  read(b: Built): Json | undefined {
    return this.kube.read(this.cluster, b.t, b.namespace, b.name);
  }

  /** Creates an object; an API refusal comes back in the API server's words. */
  create(b: Built) {
    this.verbs.create(this.cluster, b.t, b.namespace, b.doc, { manager: "helm-controller", dryRun: false });
  }

  /**
   * Creates what is missing and updates what exists (adopting it: helm-controller takes ownership),
   * answering the failures in Helm's words: an install's as one multierror, an upgrade's joined.
   */
  apply(list: Built[], upgrade: boolean): string | undefined {
    const errors: string[] = [];
    for (const b of list) {
      const existing = this.read(b);
      try {
        if (!existing) this.create(b);
        else this.update(existing, b);
      } catch (err) {
        if (!(err instanceof KubeError)) throw err;
        if (existing) errors.push(`cannot patch "${b.name}" with kind ${b.t.kind}: ${err.message}`);
        else errors.push(upgrade ? `failed to create resource: ${err.message}` : err.message);
      }
    }
    if (errors.length === 0) return undefined;
    return upgrade ? errors.join(" && ") : multiError(errors);
  }

  update(existing: Json, b: Built) {
    const incoming = { ...b.doc, metadata: { ...(b.doc.metadata as Json), resourceVersion: undefined } };
    this.verbs.update(this.cluster, b.t, existing, incoming, { manager: "helm-controller", dryRun: false });
  }

  /** The objects in the cluster that carry this release's ownership metadata. */
  owned(): { t: KubeType; obj: Json }[] {
    const mine = (obj: Json) => {
      const annotations = ((obj.metadata as Json).annotations ?? {}) as Json;
      return annotations[RELEASE_NAME] === this.release.name && annotations[RELEASE_NAMESPACE] === this.release.namespace;
    };
    const kinds = this.kube.types(this.cluster).filter((t) => !t.custom && t.kind !== "Namespace");
    return kinds.flatMap((t) => {
      const found = this.kube.list(this.cluster, t, t.namespaced ? this.release.namespace : undefined);
      return found.filter(mine).map((obj) => ({ t, obj }));
    });
  }

  delete(t: KubeType, obj: Json) {
    const metadata = obj.metadata as Json;
    const current = this.kube.read(this.cluster, t, metadata.namespace as string | undefined, String(metadata.name));
    if (current) this.kube.deleteGracefully(this.cluster, t, current);
  }
}
