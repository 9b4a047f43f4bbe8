import type { KubeConfig } from "@kubernetes/client-node";

/**
 * The address of a Service's endpoint through the cluster's API server
 * (`/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/`), and what a request there needs: the
 * API server's CA and the caller's bearer token. It needs no network path into the cluster's VNet,
 * only to the API server, which the worker reaches anyway.
 */
export interface ServiceProxy {
  base: URL;
  ca: string;
  headers: Record<string, string>;
}

export function serviceProxy(kc: KubeConfig, namespace: string, service: string, port: number | string): ServiceProxy {
  const cluster = kc.getCurrentCluster();
  const token = kc.getCurrentUser()?.token;
  if (!cluster?.server || !cluster.caData || !token) throw new Error("The cluster's configuration has no server, CA or token");
  const path = `api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(`${service}:${port}`)}/proxy/`;
  return {
    base: new URL(path, cluster.server.endsWith("/") ? cluster.server : `${cluster.server}/`),
    ca: Buffer.from(cluster.caData, "base64").toString("utf8"),
    headers: { authorization: `Bearer ${token}` },
  };
}
