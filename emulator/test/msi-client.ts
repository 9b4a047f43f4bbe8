/**
 * The requests `@azure/arm-msi` 2.2.0's ManagedServiceIdentityClient sends, made through
 * `@azure/core-client`'s ServiceClient (the pipeline the SDK itself runs on: bearer token for
 * `<endpoint>/.default`, retries, TLS options). Paths, methods, api-version and body shapes are
 * its generated operation specs':
 *
 *   apiVersion: { defaultValue: "2024-11-30", serializedName: "api-version" }
 *   userAssignedIdentities
 *     createOrUpdate  PUT    /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}  → 200, 201 (Identity)
 *     update          PATCH  (same path)  → 200 (IdentityUpdate body)
 *     get             GET    (same path)  → 200
 *     delete          DELETE (same path)  → 200, 204
 *     listByResourceGroup GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities, then {nextLink}
 *     listBySubscription  GET /subscriptions/{subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities, then {nextLink}
 *   federatedIdentityCredentials
 *     createOrUpdate  PUT    …/userAssignedIdentities/{resourceName}/federatedIdentityCredentials/{federatedIdentityCredentialResourceName}  → 200, 201
 *     get / delete    GET / DELETE (same path)  → 200 / 200, 204
 *     list            GET    …/userAssignedIdentities/{resourceName}/federatedIdentityCredentials ($top, $skiptoken), then {nextLink}
 *
 * Identity serializes `location`, `tags` and `properties.isolationScope` (tenantId, principalId and
 * clientId are read-only); FederatedIdentityCredential `properties.{issuer, subject, audiences}`.
 * Errors surface as the SDK's do: a RestError with `statusCode` and the body's `code`.
 */
import { ServiceClient } from "@azure/core-client";
import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { SUBSCRIPTION, type TestEmulator } from "./support.js";

export const MSI_API_VERSION = "2024-11-30";

export interface Identity {
  id?: string;
  name?: string;
  type?: string;
  location?: string;
  tags?: Record<string, string>;
  properties?: { tenantId?: string; principalId?: string; clientId?: string; isolationScope?: string };
}

export interface FederatedIdentityCredential {
  id?: string;
  name?: string;
  type?: string;
  properties?: { issuer?: string; subject?: string; audiences?: string[] };
}

export function msiClient(env: TestEmulator, apiVersion = MSI_API_VERSION) {
  const client = new ServiceClient({ credential: env.credential, credentialScopes: [`${env.url}/.default`], endpoint: env.url, tlsOptions: env.clientOptions.tlsOptions });
  const group = (rg: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${encodeURIComponent(rg)}`;
  const identityPath = (rg: string, name: string) => `${group(rg)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${encodeURIComponent(name)}`;
  const credentialPath = (rg: string, name: string, credential: string) => `${identityPath(rg, name)}/federatedIdentityCredentials/${encodeURIComponent(credential)}`;

  async function send<T>(method: "GET" | "PUT" | "PATCH" | "DELETE", pathOrLink: string, body?: unknown, expected = [200]): Promise<{ status: number; body: T }> {
    const url = pathOrLink.startsWith("https://") ? pathOrLink : `${env.url}${pathOrLink}?api-version=${apiVersion}`;
    const headers = createHttpHeaders({ accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) });
    const response = await client.sendRequest(createPipelineRequest({ url, method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
    const parsed = response.bodyAsText ? (JSON.parse(response.bodyAsText) as unknown) : undefined;
    if (!expected.includes(response.status)) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new RestError(error?.message ?? `status ${response.status}`, { code: error?.code, statusCode: response.status, request: response.request, response });
    }
    return { status: response.status, body: parsed as T };
  }

  async function* pages<T>(path: string): AsyncGenerator<T> {
    let link: string | undefined = path;
    while (link) {
      const page: { body: { value?: T[]; nextLink?: string } } = await send<{ value?: T[]; nextLink?: string }>("GET", link);
      yield* page.body.value ?? [];
      link = page.body.nextLink;
    }
  }

  return {
    userAssignedIdentities: {
      createOrUpdate: async (rg: string, name: string, parameters: Identity) => (await send<Identity>("PUT", identityPath(rg, name), parameters, [200, 201])).body,
      /** The status too, which the SDK does not return: 201 for a new identity, 200 for an update. */
      createOrUpdateWithStatus: (rg: string, name: string, parameters: Identity) => send<Identity>("PUT", identityPath(rg, name), parameters, [200, 201]),
      update: async (rg: string, name: string, parameters: Identity) => (await send<Identity>("PATCH", identityPath(rg, name), parameters)).body,
      get: async (rg: string, name: string) => (await send<Identity>("GET", identityPath(rg, name))).body,
      delete: async (rg: string, name: string) => (await send<undefined>("DELETE", identityPath(rg, name), undefined, [200, 204])).status,
      listByResourceGroup: (rg: string) => pages<Identity>(`${group(rg)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`),
      listBySubscription: () => pages<Identity>(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`),
    },
    federatedIdentityCredentials: {
      createOrUpdate: (rg: string, name: string, credential: string, parameters: FederatedIdentityCredential) =>
        send<FederatedIdentityCredential>("PUT", credentialPath(rg, name, credential), parameters, [200, 201]),
      get: async (rg: string, name: string, credential: string) => (await send<FederatedIdentityCredential>("GET", credentialPath(rg, name, credential))).body,
      delete: async (rg: string, name: string, credential: string) => (await send<undefined>("DELETE", credentialPath(rg, name, credential), undefined, [200, 204])).status,
      list: (rg: string, name: string) => pages<FederatedIdentityCredential>(`${identityPath(rg, name)}/federatedIdentityCredentials`),
    },
  };
}

/** A call's refusal as the SDK reports it (status and ARM code), or zeros when it succeeded. */
export const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ statusCode: 0, code: "", message: "" }),
    (e: { statusCode?: number; code?: string; message?: string }) => ({ statusCode: e.statusCode, code: e.code, message: e.message ?? "" }),
  );

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
