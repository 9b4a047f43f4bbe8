import { APP_ROUTING_CLASS, appRoutingOf } from "../arm/app-routing.js";
import { deleteRecordSet, getRecordSet, putRecordSet, zoneAt } from "../arm/dns-zones.js";
import { BUILT_IN_ROLES, DNS_ZONE_CONTRIBUTOR, holdsRole } from "../arm/role-assignments.js";
import type { CloudContext } from "../context.js";
import type { KubeEvent } from "../kube/clusters.js";
import { typeOf } from "../kube/discovery.js";
import type { ArmResource, ClusterState, Json } from "../store.js";

export const INGRESS = typeOf("Ingress");
/** The address the add-on's NGINX publishes: the emulator's ingress listener is on loopback. */
export const INGRESS_IP = "127.0.0.1";
const DNS_WRITERS = [DNS_ZONE_CONTRIBUTOR, BUILT_IN_ROLES.Contributor as string, BUILT_IN_ROLES.Owner as string];
const RECORD_TTL = 300;

const meta = (obj: Json) => obj.metadata as Json;
export const addressOf = (ingress: Json) => ((((ingress.status as Json | undefined)?.loadBalancer as Json | undefined)?.ingress as Json[] | undefined) ?? [])[0]?.ip as string | undefined;
export const isAppRouted = (ingress: Json) => (ingress.spec as Json | undefined)?.ingressClassName === APP_ROUTING_CLASS;
export const hostsOf = (ingress: Json) => (((ingress.spec as Json | undefined)?.rules as Json[] | undefined) ?? []).map((r) => r.host).filter((h): h is string => typeof h === "string");

/** external-dns's TXT registry: the ownership record beside each A record ("new" format, type-prefixed). */
const txtNameFor = (relative: string) => (relative === "@" ? "a" : `a-${relative}`);
const ownerOf = (cluster: ClusterState) => `aks-app-routing-${cluster.key}`;
const ownershipText = (owner: string, ingress: Json) => `heritage=external-dns,external-dns/owner=${owner},external-dns/resource=ingress/${String(meta(ingress).namespace)}/${String(meta(ingress).name)}`;

/** The relative record name of `host` in `zone`, or undefined when the host is not in it. */
function relativeIn(host: string, zone: string): string | undefined {
  const h = host.toLowerCase();
  const z = zone.toLowerCase();
  if (h === z) return "@";
  return h.endsWith(`.${z}`) ? h.slice(0, -(z.length + 1)) : undefined;
}

/**
 * AKS's application routing add-on, inside each cluster where it is enabled: its NGINX gives
 * every Ingress of its class an address after the `ingressAddress` latency, and its external-dns
 * keeps an A record (plus the TXT ownership record) per Ingress host in the zones the add-on is
 * attached to and whose DNS Zone Contributor role its identity holds, a `dnsRecord` latency after
 * something changed. Records are removed when their Ingress goes or its host changes; a deleted
 * cluster leaves them behind, as external-dns goes with it.
 */
export class AppRoutingController {
  private readonly addressTimers = new Map<string, NodeJS.Timeout>();
  private readonly dnsTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly ctx: CloudContext) {}

  start() {
    this.ctx.kube.subscribe((e) => this.onEvent(e));
    this.ctx.kube.onClusterRemoved.push((c) => this.forget(c.key));
    this.ctx.kube.onPowerChange.push((c) => this.clusterChanged(c.key));
    for (const cluster of this.ctx.kube.all()) this.clusterChanged(cluster.key);
  }

  close() {
    for (const timer of [...this.addressTimers.values(), ...this.dnsTimers.values()]) clearTimeout(timer);
    this.addressTimers.clear();
    this.dnsTimers.clear();
  }

  /** The cluster's add-on settings or power changed: addresses and records are looked at again. */
  clusterChanged(key: string) {
    const cluster = this.ctx.kube.get(key);
    if (!cluster) return;
    for (const ingress of this.ctx.kube.list(cluster, INGRESS)) this.reviewAddress(cluster, ingress);
    this.scheduleDns(cluster);
  }

  /** A zone, record set or role assignment changed: every add-on's external-dns looks again. */
  armChanged() {
    for (const cluster of this.ctx.kube.all()) if (appRoutingOf(this.armCluster(cluster)).enabled) this.scheduleDns(cluster);
  }

  armCluster(cluster: ClusterState): ArmResource | undefined {
    return this.ctx.store.getResource(cluster.armId);
  }

  /** Whether the cluster's add-on runs now: enabled, the cluster created and not stopped. */
  running(cluster: ClusterState) {
    return cluster.provisioned && !cluster.stopped && appRoutingOf(this.armCluster(cluster)).enabled;
  }

  private forget(key: string) {
    for (const map of [this.addressTimers, this.dnsTimers]) {
      for (const [k, timer] of map) {
        if (k === key || k.startsWith(`${key}/`)) {
          clearTimeout(timer);
          map.delete(k);
        }
      }
    }
  }

  private onEvent(e: KubeEvent) {
    if (e.kubeType !== INGRESS) return;
    if (e.type !== "DELETED") this.reviewAddress(e.cluster, e.obj);
    this.scheduleDns(e.cluster);
  }

  private reviewAddress(cluster: ClusterState, ingress: Json) {
    const key = `${cluster.key}/${String(meta(ingress).namespace)}/${String(meta(ingress).name)}`;
    const wanted = isAppRouted(ingress) && this.running(cluster) && !meta(ingress).deletionTimestamp;
    const address = addressOf(ingress);
    if (wanted && !address && !this.addressTimers.has(key)) {
      const timer = setTimeout(() => {
        this.addressTimers.delete(key);
        const current = this.ctx.kube.get(cluster.key) && this.ctx.kube.read(cluster, INGRESS, meta(ingress).namespace as string, meta(ingress).name as string);
        if (!current || !isAppRouted(current) || !this.running(cluster) || addressOf(current)) return;
        this.ctx.kube.writeStatus(cluster, INGRESS, current, { ...((current.status as Json | undefined) ?? {}), loadBalancer: { ingress: [{ ip: INGRESS_IP }] } });
      }, this.ctx.latencies.ingressAddress);
      this.addressTimers.set(key, timer);
    } else if (!wanted && address && !cluster.stopped) {
      // Another class, or the add-on switched off: no controller answers for it any more.
      this.ctx.kube.writeStatus(cluster, INGRESS, ingress, { ...((ingress.status as Json | undefined) ?? {}), loadBalancer: {} });
    }
  }

  private scheduleDns(cluster: ClusterState) {
    if (this.dnsTimers.has(cluster.key)) return;
    const timer = setTimeout(() => {
      this.dnsTimers.delete(cluster.key);
      if (this.ctx.kube.get(cluster.key)) this.syncDns(cluster);
    }, this.ctx.latencies.dnsRecord);
    this.dnsTimers.set(cluster.key, timer);
  }

  /** One external-dns pass over the zones the add-on may write to. */
  private syncDns(cluster: ClusterState) {
    if (!this.running(cluster)) return;
    const routing = appRoutingOf(this.armCluster(cluster));
    const principal = routing.identity?.objectId;
    if (!principal) return;
    const owner = ownerOf(cluster);
    const zones = routing.zoneIds.map((id) => zoneAt(this.ctx, id)).filter((z): z is ArmResource => z !== undefined && holdsRole(this.ctx, principal, DNS_WRITERS, z.id));
    const ingresses = this.ctx.kube.list(cluster, INGRESS).filter((i) => isAppRouted(i) && addressOf(i) && !meta(i).deletionTimestamp);
    for (const zone of zones) {
      const zoneName = String(zone.body.name);
      const desired = new Map<string, { ip: string; ingress: Json }>();
      for (const ingress of ingresses) {
        for (const host of hostsOf(ingress)) {
          if (host.startsWith("*.")) continue;
          // The most specific attached zone takes the host, as external-dns's zone matching does.
          const best = zones.filter((z) => relativeIn(host, String(z.body.name)) !== undefined).sort((a, b) => String(b.body.name).length - String(a.body.name).length)[0];
          const relative = relativeIn(host, zoneName);
          if (relative !== undefined && best === zone && !desired.has(relative)) desired.set(relative, { ip: addressOf(ingress) as string, ingress });
        }
      }
      const owned = new Set(
        this.ctx.store
          .listResources(`${zone.id}/TXT/`)
          .filter((r) => JSON.stringify(((r.body.properties as Json).TXTRecords as Json[] | undefined) ?? []).includes(`external-dns/owner=${owner},`))
          .map((r) => String(r.body.name)),
      );
      for (const [relative, { ip, ingress }] of desired) {
        const txt = txtNameFor(relative);
        const a = getRecordSet(this.ctx, zone, "A", relative);
        // A record someone else made is left alone: external-dns only changes what it owns.
        if (a && !owned.has(txt)) continue;
        const current = ((a?.body.properties as Json | undefined)?.ARecords as Json[] | undefined)?.map((r) => r.ipv4Address);
        if (!a || JSON.stringify(current) !== JSON.stringify([ip]) || (a.body.properties as Json).TTL !== RECORD_TTL) {
          putRecordSet(this.ctx, zone, "A", relative, { properties: { TTL: RECORD_TTL, ARecords: [{ ipv4Address: ip }] } }, a);
        }
        const text = ownershipText(owner, ingress);
        const ownership = getRecordSet(this.ctx, zone, "TXT", txt);
        if (!ownership || JSON.stringify((ownership.body.properties as Json).TXTRecords) !== JSON.stringify([{ value: [text] }])) {
          putRecordSet(this.ctx, zone, "TXT", txt, { properties: { TTL: RECORD_TTL, TXTRecords: [{ value: [text] }] } }, ownership);
        }
      }
      const wantedTxt = new Set([...desired.keys()].map(txtNameFor));
      for (const txt of owned) {
        if (wantedTxt.has(txt)) continue;
        const relative = txt === "a" ? "@" : txt.replace(/^a-/, "");
        deleteRecordSet(this.ctx, zone, "A", relative);
        deleteRecordSet(this.ctx, zone, "TXT", txt);
      }
    }
  }
}
