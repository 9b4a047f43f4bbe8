import type { V1Secret } from "@kubernetes/client-node";
import { ensureArmResource } from "@/lib/azure/ensure";
import { AIRFLOW_SECRET_NAMES } from "@/lib/helm/airflow-values";
import { mergePatchObject, readObject } from "@/lib/kubernetes/apply";
import type { StepRun } from "../context";
import { clusterAccess } from "./cluster-access";
import { environmentTags } from "./resource-group";

/**
 * A point-in-time restore of the environment's server, as it was before the failed upgrade, to the
 * new server the restore was approved with (Azure restores only to a new server; it keeps the
 * source's administrator, version, storage and network). Found there already, it is not asked for again.
 */
export const restoreDatabaseServer: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const restore = env.restore;
  if (!restore) throw new Error("This operation restores nothing: no restore was approved with it");
  const rg = env.names.resourceGroup;
  const options = { ...arm.poll, abortSignal: ctx.signal };
  const { resource, created } = await ctx.retry(() =>
    ensureArmResource({
      get: () => arm.postgres.servers.get(rg, restore.server, { abortSignal: ctx.signal }),
      put: async () => {
        const source = await arm.postgres.servers.get(rg, restore.sourceServer, { abortSignal: ctx.signal });
        const network = source.network?.delegatedSubnetResourceId
          ? { delegatedSubnetResourceId: source.network.delegatedSubnetResourceId, privateDnsZoneArmResourceId: source.network.privateDnsZoneArmResourceId }
          : undefined;
        await ctx.log(`Restoring ${restore.sourceServer} as it was at ${restore.pointInTime} to a new server ${restore.server}`);
        return arm.postgres.servers.beginCreateOrUpdateAndWait(
          rg,
          restore.server,
          {
            location: source.location ?? env.region,
            tags: environmentTags(env),
            createMode: "PointInTimeRestore",
            sourceServerResourceId: source.id,
            pointInTimeUTC: new Date(restore.pointInTime),
            ...(network ? { network } : {}),
          },
          options,
        );
      },
      state: (s) => s.state,
      pollMs: arm.poll.updateIntervalInMs,
      signal: ctx.signal,
      onWait: (state) => ctx.log(`Server ${restore.server} is ${state.toLowerCase()}; waiting for it`),
    }),
  );
  await ctx.log(created ? `Server ${resource.fullyQualifiedDomainName} is restored` : `Server ${restore.server} was restored already`);
  return { id: resource.id, host: resource.fullyQualifiedDomainName, restoredFrom: restore.sourceServer, pointInTime: restore.pointInTime };
};

/** The host in a `postgresql://user:password@host:port/db?…` URL replaced; the rest as it was. */
export function withHost(connection: string, host: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*:\/\/[^@/]*@)([^:/?#]+)(.*)$/i.exec(connection);
  return match ? `${match[1]}${host}${match[3]}` : null;
}

/**
 * Airflow's metadata connection (the cluster's Secret the chart reads it from) pointed at the
 * restored server. Only the host changes: a restored server keeps its source's administrator and
 * password, which never leave the cluster. The pods read it when the release rolls them.
 */
export const repointMetadataConnection: StepRun = async (ctx) => {
  const host = ctx.outputs["restore-database"]?.host;
  if (typeof host !== "string" || !host) throw new Error("The restored server's host name is unknown");
  const kc = await clusterAccess(ctx);
  const header = { apiVersion: "v1", kind: "Secret", metadata: { name: AIRFLOW_SECRET_NAMES.metadata, namespace: ctx.env.names.namespace } };
  const name = header.metadata.name;
  const secret = await ctx.retry(() => readObject<V1Secret>(kc, header));
  if (!secret) throw new Error(`Secret ${name} is missing from namespace ${header.metadata.namespace}`);
  const current = Buffer.from(secret.data?.connection ?? "", "base64").toString("utf8");
  const pointed = withHost(current, host);
  if (!pointed) throw new Error(`Secret ${name} holds no connection URL the portal can re-point; it was left as it is`);
  if (pointed === current) {
    await ctx.log(`Secret ${name} already points at ${host}`);
    return { secret: name, host };
  }
  await ctx.retry(() => mergePatchObject(kc, header, { data: { connection: Buffer.from(pointed).toString("base64") } }));
  await ctx.log(`Secret ${name} now points at ${host}`);
  return { secret: name, host };
};
