import type { AirflowSites } from "./airflow/sites.js";
import type { Lro } from "./arm/lro.js";
import type { Clock } from "./clock.js";
import type { Latencies } from "./config.js";
import type { Faults } from "./faults.js";
import type { Holds } from "./holds.js";
import type { HelmRepository } from "./flux/helm-repository.js";
import type { Flux } from "./flux/reconciler.js";
import type { AppRoutingController } from "./ingress/controller.js";
import type { IngressListener } from "./ingress/listener.js";
import type { KubeClusters } from "./kube/clusters.js";
import type { ArmResource, Store } from "./store.js";
import type { BlobService } from "./storage/blob-service.js";
import type { KeyVaultService } from "./keyvault/service.js";
import type { TokenService } from "./tokens.js";
import type { Vantages } from "./vantage.js";

/** Everything the cloud's parts share. Built once in index.ts. */
export interface CloudContext {
  baseUrl: string;
  /** PEM of the emulator's CA, for kubeconfigs. */
  caCert: string;
  store: Store;
  /** The cloud's calendar (real time, moved ahead by the control API): what Azure does after days. */
  clock: Clock;
  faults: Faults;
  /** Holds on ARM requests and operations (control API). */
  holds: Holds;
  /** Mutable: the control API changes it in place. */
  latencies: Latencies;
  /** Mutable like the latencies: ARM list page size (0 = one page). */
  settings: { armPageSize: number };
  lro: Lro;
  tokens: TokenService;
  kube: KubeClusters;
  flux: Flux;
  /** The chart repository every HelmRepository resolves to. */
  helm: HelmRepository;
  airflow: AirflowSites;
  /** AKS's application routing add-on in every cluster: Ingress addresses and external-dns. */
  appRouting: AppRoutingController;
  /** The add-on's NGINX as reached from outside: one HTTPS port for all clusters. */
  ingress: IngressListener;
  /** Called for each ARM resource removed (by its own delete or its parent's), to tear down what hangs off it. */
  onRemoved: Array<(resource: ArmResource) => void>;
  /** Storage accounts' blob data plane (Azurite behind the emulator's authorization). */
  blob: BlobService;
  /** Key Vault's data plane: a loopback HTTPS port per vault. */
  keyVault: KeyVaultService;
  /** Forward proxies standing for a machine in a VNet (control API). */
  vantages: Vantages;
  log: (message: string) => void;
}
