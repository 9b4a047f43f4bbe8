import { shortHash } from "../util.js";
import { groupId } from "./resources.js";

export const MANAGED_CLUSTER_TYPE = "Microsoft.ContainerService/managedClusters";

/** The tenant of every emulated subscription (and of a cluster's Entra profile unless it names one). */
export const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";

export const clusterId = (sub: string, group: string, name: string) => `${groupId(sub, group)}/providers/${MANAGED_CLUSTER_TYPE}/${name}`;

/** The path segment of the cluster's API server: readable, and unique per ARM id. */
export const clusterKeyOf = (id: string) => `${(id.split("/").pop() ?? "cluster").toLowerCase()}-${shortHash(id.toLowerCase())}`;
