import type { JWK } from "jose";
import type { EmulatorPart } from "../http.js";
import type { TlsMaterial } from "../tls.js";
import { AirflowSites } from "./airflow/sites.js";
import { registerClusterNetwork } from "./arm/cluster-network.js";
import { registerDnsZones } from "./arm/dns-zones.js";
import { registerPrivateDns } from "./arm/private-dns.js";
import { registerVirtualNetworks } from "./arm/virtual-networks.js";
import { registerBlobContainers } from "./arm/blob-containers.js";
import { registerStorageAccounts } from "./arm/storage-accounts.js";
import { BlobService } from "./storage/blob-service.js";
import { registerDeletedVaults } from "./arm/deleted-vaults.js";
import { registerKeyVaults } from "./arm/key-vaults.js";
import { KeyVaultService } from "./keyvault/service.js";
import { internalAddress } from "./arm/internal-load-balancers.js";
import { Vantages } from "./vantage.js";
import { registerAgentPools } from "./arm/agent-pools.js";
import { registerExtensions } from "./arm/extensions.js";
import { Lro } from "./arm/lro.js";
import { registerManagedClusters } from "./arm/managed-clusters.js";
import { registerPostgresBackups } from "./arm/postgres-backups.js";
import { registerPostgresChildren } from "./arm/postgres-children.js";
import { registerPostgresServers } from "./arm/postgres-servers.js";
import { registerResourceGroups } from "./arm/resource-groups.js";
import { handleArm } from "./arm/router.js";
import { Clock, handleClockControl } from "./clock.js";
import { PROFILES, startupLatencies, type Latencies, type ProfileName } from "./config.js";
import type { CloudContext } from "./context.js";
import { handleControl } from "./control.js";
import { Faults } from "./faults.js";
import { Holds } from "./holds.js";
import { GraphApplications } from "./graph.js";
import { HelmRepository } from "./flux/helm-repository.js";
import { Flux } from "./flux/reconciler.js";
import { helmTimeScale } from "./flux/timing.js";
import { AppRoutingController } from "./ingress/controller.js";
import { IngressListener } from "./ingress/listener.js";
import { ApiServer } from "./kube/apiserver.js";
import { KubeClusters } from "./kube/clusters.js";
import { Kubelet } from "./kube/kubelet.js";
import { installWorkloadIdentityWebhook } from "./kube/workload-identity-webhook.js";
import { taskLogAnswer } from "./airflow/task-logs-api.js";
import { Store } from "./store.js";
import { TokenService } from "./tokens.js";
import { exchangeFederated } from "./token-exchange.js";

export interface CloudOptions {
  /** Base URL of the emulator, e.g. https://localhost:8443 */
  baseUrl: string;
  dataDir: string;
  tls: TlsMaterial;
  chartSchemaPath?: string;
  /** Unpacked official charts, one `<version>/` folder each, served as the repository's real packages. */
  chartsDir?: string;
  /** Start-up latencies; default: EMULATOR_PROFILE / EMULATOR_LATENCIES from the environment, else the fast profile. */
  profile?: ProfileName;
  latencies?: Partial<Latencies>;
  /** Items per ARM list page; default EMULATOR_ARM_PAGE_SIZE, else 100. */
  armPageSize?: number;
  /** The add-on ingress's HTTPS port; default EMULATOR_INGRESS_PORT, else the one chosen before (or a free one). */
  ingressPort?: number;
}

/** The emulated cloud as an emulator part, with the ports it opened besides the emulator's. */
export interface CloudPart extends EmulatorPart {
  ingressPort: number;
}

/**
 * The emulated cloud: Entra-like tokens, the ARM subset the portal drives, one Kubernetes API server
 * per managed cluster, Flux, and a stand-in Airflow per release — all on the emulator's HTTPS port.
 */
export interface Cloud extends CloudPart {
  /** Microsoft Graph's applications: the Airflow app's redirect URIs live here. */
  graph: GraphApplications;
  /** Public keys of the workload token service (client-credentials tokens). */
  tokenKeys(): JWK[];
}

export async function createCloud(options: CloudOptions): Promise<Cloud> {
  const log = (message: string) => console.log(`[emulator] ${message}`);
  const store = new Store(options.dataDir);
  const startup: Latencies = { ...(options.profile ? PROFILES[options.profile] : startupLatencies()), ...options.latencies };
  const latencies = { ...startup };
  const faults = new Faults();
  const holds = new Holds();
  const startupPageSize = options.armPageSize ?? (Number(process.env.EMULATOR_ARM_PAGE_SIZE) || 100);
  const tokens = await TokenService.create(options.baseUrl, options.dataDir);
  const kube = new KubeClusters(store, () => latencies.namespaceTermination);
  const ctx: CloudContext = {
    baseUrl: options.baseUrl,
    caCert: options.tls.caCert,
    store,
    clock: new Clock(store),
    faults,
    holds,
    latencies,
    settings: { armPageSize: startupPageSize },
    lro: new Lro(store, options.baseUrl, () => latencies, faults, holds),
    tokens,
    kube,
    airflow: new AirflowSites(store, faults, log, kube, options.tls.caCert),
    flux: undefined as unknown as Flux,
    appRouting: undefined as unknown as AppRoutingController,
    ingress: undefined as unknown as IngressListener,
    helm: new HelmRepository(options.baseUrl, options.chartSchemaPath, options.chartsDir),
    onRemoved: [],
    vantages: undefined as unknown as Vantages,
    blob: undefined as unknown as BlobService,
    keyVault: undefined as unknown as KeyVaultService,
    log,
  };
  ctx.vantages = new Vantages(ctx);
  tokens.federation = (clientId, tenant, assertion) => exchangeFederated(ctx, clientId, tenant, assertion);
  installWorkloadIdentityWebhook(ctx);
  ctx.airflow.taskLog = (site, request) => taskLogAnswer(ctx, site, request);
  ctx.blob = new BlobService(ctx, options.dataDir, options.tls);
  ctx.keyVault = new KeyVaultService(ctx, options.dataDir, options.tls);
  // The clusters' kubelets and controllers: they decide from the objects whether what Flux installs runs.
  const kubelet = new Kubelet(kube, () => helmTimeScale(latencies));
  ctx.flux = new Flux(ctx, kubelet);
  const full = ctx.helm.fullCharts;
  log(
    full.length > 0
      ? `chart repository: the official chart ${full.join(", ")} from ${options.chartsDir}; stubs without templates for the other versions`
      : "chart repository: stub packages without templates (AIRFLOW_CHARTS_DIR names a folder of unpacked official charts)",
  );
  ctx.appRouting = new AppRoutingController(ctx);
  ctx.ingress = new IngressListener(ctx, ctx.appRouting, options.tls.caCert, options.tls.caKey);
  registerResourceGroups(ctx);
  registerManagedClusters(ctx);
  registerAgentPools(ctx);
  registerClusterNetwork(ctx);
  registerPostgresServers(ctx);
  registerPostgresChildren(ctx);
  registerPostgresBackups(ctx);
  registerExtensions(ctx);
  registerDnsZones(ctx);
  registerVirtualNetworks(ctx);
  registerPrivateDns(ctx);
  registerStorageAccounts(ctx);
  registerBlobContainers(ctx);
  registerKeyVaults(ctx);
  registerDeletedVaults(ctx);
  kube.internalAddress = (cluster, key) => internalAddress(ctx, cluster, key);
  const apiServer = new ApiServer(ctx);
  const graph = new GraphApplications(store, tokens, process.env, options.baseUrl);

  ctx.lro.resume();
  kube.resume();
  kubelet.start();
  await ctx.flux.start();
  ctx.appRouting.start();
  await ctx.ingress.start(options.ingressPort ?? (Number(process.env.EMULATOR_INGRESS_PORT) || undefined));
  await ctx.blob.start();
  await ctx.keyVault.start();

  const stopWork = async () => {
    ctx.lro.close();
    ctx.flux.close();
    kubelet.close();
    ctx.appRouting.close();
    kube.close();
    await ctx.airflow.closeAll();
  };
  const reset = async () => {
    await stopWork();
    await ctx.blob.reset();
    await ctx.keyVault.reset();
    store.reset();
    ctx.ingress.remember();
    ctx.blob.remember();
    faults.clear();
    holds.clear();
    Object.assign(latencies, startup);
    ctx.settings.armPageSize = startupPageSize;
  };

  return {
    ingressPort: ctx.ingress.port,
    graph,
    tokenKeys: () => tokens.publicJwks(),
    async handle(req, res) {
      // Clients that join a scope to "/{scope}/…" send "//subscriptions/…"; ARM reads it as one slash.
      const url = new URL((req.url ?? "/").replace(/^\/{2,}/, "/"), options.baseUrl);
      if (await handleClockControl(ctx.clock, req, res, url)) return true;
      if (await handleControl(ctx, startup, reset, req, res, url)) return true;
      if (await tokens.handle(req, res, url.pathname)) return true;
      if (await graph.handle(req, res, url)) return true;
      if (ctx.helm.handle(req, res, url.pathname)) return true;
      if (await handleArm(ctx, req, res, url)) return true;
      return apiServer.handle(req, res, url);
    },
    async close() {
      holds.close();
      await stopWork();
      await ctx.vantages.close();
      await ctx.ingress.close();
      await ctx.blob.close();
      await ctx.keyVault.closeAll();
      store.flush();
    },
  };
}
