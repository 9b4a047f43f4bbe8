import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { IngressCertificate } from "./ingress/certificates.js";
import type { GraphState } from "./graph.js";

export type Json = Record<string, unknown>;

/** An ARM resource as it is on the wire (id, name, type, location, properties…). */
export interface ArmResource {
  id: string;
  type: string;
  body: Json;
  /** The write-only fields ARM accepts but never returns (passwords, protected settings). */
  secrets?: Json;
  /** The emulator's own bookkeeping about the resource, never served (e.g. when a server was stopped). */
  meta?: Json;
}

export interface Counter {
  created: number;
  puts: number;
  /** PATCHes, apart from PUTs: a password reset is not a second creation attempt. Absent in older state files. */
  patches?: number;
  deletes: number;
}

export type OperationStatus = "InProgress" | "Succeeded" | "Failed" | "Canceled";

export interface OperationRecord {
  id: string;
  /** The latency/fault kind, e.g. managedCluster, delete. */
  kind: string;
  /** The latency kind, when not `kind` (a server update is a postgresServer operation that takes postgresServerUpdate's time). */
  latencyKind?: string;
  action: "create" | "update" | "delete" | "start" | "stop" | "restart";
  resourceId: string;
  resourceType: string;
  provider: string;
  location: string;
  startedAt: number;
  endsAt: number;
  status: OperationStatus;
  endedAt?: number;
  /** Decided when the operation starts, so a restart does not change the outcome. */
  failWith?: { code: string; message: string };
  /** A delete's: the state field and the value it takes back if the delete fails, kept here so a restart does not lose it. */
  restore?: { field: string; value: unknown };
}

export interface KubeObjectRecord {
  obj: Json;
  /** Last configuration applied by each server-side-apply field manager. */
  applied?: Record<string, Json>;
}

export interface ClusterState {
  key: string;
  armId: string;
  userToken: string;
  adminToken: string;
  resourceVersion: number;
  /** False until the managed cluster's create first succeeds: there is no API server before that. */
  provisioned: boolean;
  fluxInstalled: boolean;
  fluxNamespace?: string;
  /** What the installed microsoft.flux extension brings, for the emulated Flux to go by. */
  flux?: FluxRelease;
  stopped: boolean;
  objects: Record<string, KubeObjectRecord>;
  /** The service account token signing key (a private JWK), made when a token is first minted. */
  serviceAccountKey?: Record<string, unknown>;
  /** Internal LoadBalancer Services' private addresses from the node subnet, by `<namespace>/<name>`: kept so they never move. */
  internalAddresses?: Record<string, string>;
}

/** A microsoft.flux extension version and the helm-controller (and the Helm inside it) it ships. */
export interface FluxRelease {
  extensionVersion: string;
  helmControllerVersion: string;
  helmVersion: string;
}

export interface AirflowSite {
  key: string;
  port: number;
  clusterKey: string;
  clusterName: string;
  namespace: string;
  release: string;
  helmRelease: string;
  executor: string;
  airflowVersion: string;
  chartVersion: string;
  /** FAB's OAuth sign-in, when the values carry a generated webserver_config.py. */
  signIn?: AirflowSignInSource;
  /** Task instances the stand-in ran (control API), one entry per try: Airflow's metadata database, so kept across upgrades and restarts. */
  taskInstances?: TaskInstanceRecord[];
}

/** One try of a task instance: how it ended, on which pod, and where its log went (null: only in the pod, gone with it). */
export interface TaskInstanceRecord {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  state: "success" | "failed";
  pod: string;
  hostname: string;
  logLocation: string | null;
  error?: string;
  startDate: string;
  endDate: string;
}

/** Where the stand-in reads its sign-in settings: the config text, and the pod's environment sources. */
export interface AirflowSignInSource {
  /** `apiServer.apiServerConfig` (Airflow 3) or `webserver.webserverConfig` (Airflow 2). */
  config: string;
  /** `extraEnvFrom` entries (`secretRef` / `configMapRef` names) and `env` / `extraEnv` variables. */
  envFrom: { kind: "Secret" | "ConfigMap"; name: string; optional?: boolean }[];
  env: { name: string; value?: string; secretKeyRef?: { name: string; key: string } }[];
}

/** Creations and deletions of one Kubernetes object, by cluster key then "<Kind>/<namespace>/<name>" (cluster-scoped: "<Kind>/<name>"). */
export interface KubeCounter {
  created: number;
  deletes: number;
}

export interface CloudState {
  version: 1;
  resources: Record<string, ArmResource>;
  counters: Record<string, Counter>;
  /** Kept apart from `clusters` so a count outlives its object and its cluster. */
  kubeCounters: Record<string, Record<string, KubeCounter>>;
  operations: Record<string, OperationRecord>;
  clusters: Record<string, ClusterState>;
  airflow: Record<string, AirflowSite>;
  /** The add-on ingress's HTTPS port, chosen once and kept. */
  ingressPort?: number;
  /** The blob endpoint's HTTPS port, chosen once and kept, so accounts' endpoints stay put. */
  blobPort?: number;
  /** Certificates the ingress serves, by Key Vault certificate URI (lower-cased), and "#fake". */
  ingressCertificates?: Record<string, IngressCertificate>;
  /** Microsoft Graph's app registrations (the seeded Airflow one and its redirect URIs). */
  graph?: GraphState;
  /** How far the control API has moved the cloud's clock ahead of real time (clock.ts). */
  clockOffsetMs?: number;
  /** Soft-deleted Key Vault vaults, by lower-cased name (names are global), until purged. */
  deletedVaults?: Record<string, DeletedVaultRecord>;
  /** Each vault's data-plane HTTPS port, by lower-cased name: chosen once, kept while the vault or its soft-deleted self exists. */
  vaultPorts?: Record<string, number>;
}

/** A vault in Key Vault's deleted state: what it was (to recover it) and when Azure would purge it. */
export interface DeletedVaultRecord {
  vault: ArmResource;
  deletionDate: string;
  scheduledPurgeDate: string;
}

function emptyState(): CloudState {
  return { version: 1, resources: {}, counters: {}, kubeCounters: {}, operations: {}, clusters: {}, airflow: {} };
}

/** ARM ids are case-insensitive; the map key is the lower-cased id, the body keeps the caller's casing. */
export const idKey = (id: string) => id.toLowerCase();

/**
 * The emulated cloud's whole state, kept in memory and written to one JSON file. Writes are
 * debounced (a provisioning burst changes state many times a second) and atomic (temp + rename),
 * so a crash leaves either the old or the new file, never half of one.
 */
export class Store {
  state: CloudState;
  private readonly file: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(dataDir: string, private readonly debounceMs = 50) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, "state.json");
    this.state = existsSync(this.file) ? { ...emptyState(), ...(JSON.parse(readFileSync(this.file, "utf8")) as CloudState) } : emptyState();
  }

  changed() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.debounceMs);
    this.timer.unref();
  }

  flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.file);
  }

  reset() {
    this.state = emptyState();
    this.changed();
  }

  getResource(id: string): ArmResource | undefined {
    return this.state.resources[idKey(id)];
  }

  putResource(resource: ArmResource) {
    this.state.resources[idKey(resource.id)] = resource;
    this.changed();
  }

  deleteResource(id: string) {
    delete this.state.resources[idKey(id)];
    this.changed();
  }

  /** Resources whose id starts with `prefix` (case-insensitive), optionally of one type. */
  listResources(prefix: string, type?: string): ArmResource[] {
    const p = idKey(prefix);
    return Object.entries(this.state.resources)
      .filter(([k, r]) => k.startsWith(p) && (!type || r.type.toLowerCase() === type.toLowerCase()))
      .map(([, r]) => r);
  }

  countKube(clusterKey: string, objectKey: string, what: keyof KubeCounter) {
    const counters = (this.state.kubeCounters[clusterKey] ??= {});
    (counters[objectKey] ??= { created: 0, deletes: 0 })[what]++;
    this.changed();
  }

  count(id: string, what: keyof Counter) {
    const k = idKey(id);
    const counter = (this.state.counters[k] ??= { created: 0, puts: 0, deletes: 0 });
    counter[what] = (counter[what] ?? 0) + 1;
    this.changed();
  }
}
