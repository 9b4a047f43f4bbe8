import http from "node:http";
import https from "node:https";
import { ClientSecretCredential } from "@azure/identity";
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { webserverConfigPy, OAUTH_SECRET_NAME, type AirflowSignIn } from "@/lib/helm/airflow-sign-in";
import { airflowHelmValues } from "@/lib/helm/airflow-values";
import { AIRFLOW_APP } from "../src/cloud/airflow-app.js";
import { TENANT_ID, TEST_USERS } from "../src/identity/users.js";
import { airflowSecrets, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { eventually, startTestEmulator, type TestEmulator } from "./support.js";

type Flux = KubernetesObject & { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } };
type Reply = { status: number; location?: string; text: string; headers: http.IncomingHttpHeaders };
/** The JSON answers these tests read (Graph, Entra's token endpoint and discovery). */
interface LooseJson {
  error?: { code: string; message: string } | string;
  web?: { redirectUris: string[] };
  value?: unknown[];
  keys?: { d?: string }[];
  error_description?: string;
  jwks_uri?: string;
  [key: string]: unknown;
}

const user = (name: string) => TEST_USERS.find((u) => u.username === name)!;
const ANALYTICS = user("ana").groups[0]!;
const PLATFORM_ADMINS = user("admin").groups[0]!;
const GRAPH = "https://graph.microsoft.com/.default";

let env: TestEmulator;
let objects: KubernetesObjectApi;
let core: CoreV1Api;
/** The stand-in Airflow sites: Airflow 3 (FAB under /auth), Airflow 2, and Airflow 3 whose config lacks the address fallback. */
const sites = { v3: "", v2: "", noFallback: "" };

/** The portal's config with the override it wrote before reading addresses itself: FAB's Azure branch runs first. */
function withoutAddressFallback(config: string): string {
  const fabFirst = `    def get_oauth_user_info(self, provider, resp):
        info = super().get_oauth_user_info(provider, resp)
        if provider == "azure":
            claims = self._decode_and_validate_azure_jwt(resp["id_token"])
            info["role_keys"] = [str(g).lower() for g in claims.get("groups", [])]
        return info`;
  const override = /^ {4}def get_oauth_user_info[\s\S]*?(?=\n\n\nSECURITY_MANAGER_CLASS)/m;
  if (!override.test(config)) throw new Error("the generated config has no get_oauth_user_info override to replace");
  return config.replace(override, fabFirst);
}

/** A small browser: a cookie jar per host name (cookies ignore ports), redirects never followed. */
function browser() {
  const jars = new Map<string, Map<string, string>>();
  async function send(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Reply> {
    const target = new URL(url);
    const jar = jars.get(target.hostname) ?? new Map<string, string>();
    jars.set(target.hostname, jar);
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    const headers: Record<string, string> = { ...init.headers };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (body) headers["content-type"] = "application/x-www-form-urlencoded";
    const lib = target.protocol === "https:" ? https : http;
    return new Promise<Reply>((resolve, reject) => {
      const req = lib.request(target, { method: init.method ?? (body ? "POST" : "GET"), headers, ca: env.ca, agent: false }, (res) => {
        for (const cookie of res.headers["set-cookie"] ?? []) {
          const [pair = ""] = cookie.split(";");
          const eq = pair.indexOf("=");
          const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1)];
          if (value === "" || /expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(name);
          else jar.set(name, value);
        }
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location && new URL(res.headers.location, url).href, text, headers: res.headers }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }
  return { send };
}

/**
 * A person opening the site and signing in with the emulator's form, FAB's way: site → login page →
 * provider → authorize → sign-in form → callback → site. Returns the last reply and the authorize URL.
 */
async function signIn(site: string, prefix: string, username: string, options: { headers?: Record<string, string> } = {}) {
  const b = browser();
  const home = await b.send(`${site}/`, options);
  expect(home.status).toBe(302);
  expect(home.location).toBe(`${site}${prefix}/login/?next=%2F`);
  const login = await b.send(home.location!, options);
  expect(login.status).toBe(200);
  expect(login.text).toContain("Sign In with azure");
  const href = /href="([^"]*\/login\/azure[^"]*)"/.exec(login.text)?.[1]?.replace(/&amp;/g, "&");
  const toEntra = await b.send(new URL(href!, site).href, options);
  expect(toEntra.status).toBe(302);
  const authorize = new URL(toEntra.location!);
  const atEntra = await b.send(authorize.href);
  if (atEntra.status !== 303) return { reply: atEntra, authorize, b };
  const form = await b.send(atEntra.location!);
  expect(form.text).toContain("Airflow environments");
  const submitted = await b.send(`${atEntra.location!}/login`, { form: { username, password: user(username).password } });
  expect(submitted.status).toBe(303);
  const resumed = await b.send(submitted.location!);
  expect(resumed.status).toBe(303);
  const callback = new URL(resumed.location!);
  expect(callback.searchParams.get("state")).toBe(authorize.searchParams.get("state"));
  const back = await b.send(callback.href, options);
  expect(back.status).toBe(302);
  return { reply: await b.send(back.location!, options), authorize, back, b };
}

const graphToken = async (credential = env.credential) => (await credential.getToken(GRAPH))?.token ?? "";
const graph = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
  const res = await fetchJson(`${env.url}/v1.0/${path}`, { method: init.method, body: init.body, headers: { authorization: `Bearer ${init.token ?? (await graphToken())}` } });
  return res;
};
function fetchJson(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; form?: Record<string, string> } = {}) {
  const body = init.form ? new URLSearchParams(init.form).toString() : init.body === undefined ? undefined : JSON.stringify(init.body);
  const contentType = init.form ? "application/x-www-form-urlencoded" : "application/json";
  return new Promise<{ status: number; json: LooseJson; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? (body ? "POST" : "GET"), ca: env.ca, agent: false, headers: { ...(body ? { "content-type": contentType } : {}), ...init.headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as LooseJson) : {}, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
const setRedirectUris = async (uris: string[]) => expect((await graph(`applications(appId='${AIRFLOW_APP.appId}')`, { method: "PATCH", body: { web: { redirectUris: uris } } })).status).toBe(204);

const apply = (obj: object) => objects.patch<Flux>(obj as Flux, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);
const oauthSecret = (namespace: string, secret: string = AIRFLOW_APP.secret) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: OAUTH_SECRET_NAME, namespace },
  stringData: { AIRFLOW_ENTRA_CLIENT_ID: AIRFLOW_APP.appId, AIRFLOW_ENTRA_CLIENT_SECRET: secret },
});

async function installRelease(namespace: string, airflowVersion: string, signInConfig: AirflowSignIn, edit = (config: string) => config) {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await apply(oauthSecret(namespace));
  for (const secret of airflowSecrets(namespace)) await apply(secret);
  await apply(helmRepository(namespace));
  const values = airflowHelmValues({ executor: "KubernetesExecutor", airflowVersion, size: "small", dagSource: null, signIn: signInConfig });
  const [ui, key] = airflowVersion.startsWith("2.") ? [values.webserver, "webserverConfig"] : [values.apiServer, "apiServerConfig"];
  (ui as Record<string, string>)[key] = edit((ui as Record<string, string>)[key]!);
  const hr = helmRelease(values, "airflow", namespace);
  hr.spec.chart.spec.version = "1.18.0";
  await apply(hr);
  await eventually(async () => {
    const obj = await objects.read<Flux>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace } });
    const ready = obj.status?.conditions?.find((c) => c.type === "Ready");
    if (ready?.status === "False" && ready.reason !== "Progressing") throw new Error(ready.message);
    return ready?.status === "True" ? obj : undefined;
  }, 15_000, `release in ${namespace}`);
  const state = await env.control<{ airflow: { namespace: string; url: string; signIn: boolean }[] }>("GET", "state");
  const site = state.airflow.find((a) => a.namespace === namespace)!;
  expect(site.signIn).toBe(true);
  return site.url.replace(/\/$/, "");
}

beforeAll(async () => {
  env = await startTestEmulator();
  const { kc } = await provisionCluster(env, "rg-signin", "aks-signin");
  await provisionDatabase(env, "rg-signin", "aks-signin");
  objects = KubernetesObjectApi.makeApiClient(kc);
  core = kc.makeApiClient(CoreV1Api);
  // The portal's generated config: the team → Op, the platform admins → Admin, anyone else no role.
  const signInConfig: AirflowSignIn = { authorityHost: env.url, tenantId: TENANT_ID, roleMapping: { [ANALYTICS]: "Op", [PLATFORM_ADMINS]: "Admin" } };
  sites.v3 = await installRelease("analytics", "3.0.6", signInConfig);
  sites.v2 = await installRelease("legacy", "2.10.5", signInConfig);
  sites.noFallback = await installRelease("contractors", "3.0.6", signInConfig, withoutAddressFallback);
});
afterAll(() => env?.close());

describe("Microsoft Graph: the Airflow app registration", () => {
  it("is read by appId and by object id with a Graph token, $select and $filter included", async () => {
    const byAppId = await graph(`applications(appId='${AIRFLOW_APP.appId}')`);
    expect(byAppId.status).toBe(200);
    expect(byAppId.json).toMatchObject({ id: AIRFLOW_APP.id, appId: AIRFLOW_APP.appId, displayName: AIRFLOW_APP.displayName, signInAudience: "AzureADMyOrg", web: { redirectUris: [] } });
    expect(byAppId.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const selected = await graph(`applications/${AIRFLOW_APP.id}?$select=web`);
    expect(Object.keys(selected.json).sort()).toEqual(["@odata.context", "id", "web"]);
    const listed = await graph(`applications?$filter=${encodeURIComponent(`appId eq '${AIRFLOW_APP.appId}'`)}`);
    expect(listed.json.value).toHaveLength(1);
    const missing = await graph("applications/00000000-0000-4000-8000-00000000dead");
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: "Request_ResourceNotFound", message: "Resource '00000000-0000-4000-8000-00000000dead' does not exist or one of its queried reference-property objects are not present.", innerError: { "request-id": expect.any(String), "client-request-id": expect.any(String), date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/) } });
  });

  it("answers 401 without a token or with a token for another audience", async () => {
    const none = await fetchJson(`${env.url}/v1.0/applications/${AIRFLOW_APP.id}`);
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({ code: "InvalidAuthenticationToken", message: "Access token is empty." });
    const arm = (await env.credential.getToken("https://management.azure.com/.default"))?.token;
    const wrong = await graph(`applications/${AIRFLOW_APP.id}`, { token: arm });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatchObject({ message: "Access token validation failure. Invalid audience." });
  });

  it("lets an owner replace the redirect URIs (204, persisted), refuses a caller who is not one (403)", async () => {
    await setRedirectUris(["https://demo.airflow.localhost/auth/oauth-authorized/azure", "http://127.0.0.1:8080/oauth-authorized/azure"]);
    await env.restart();
    expect((await graph(`applications/${AIRFLOW_APP.id}`)).json.web?.redirectUris).toEqual(["https://demo.airflow.localhost/auth/oauth-authorized/azure", "http://127.0.0.1:8080/oauth-authorized/azure"]);

    vi.stubEnv("EMULATOR_AIRFLOW_APP_OWNERS", "someone-else");
    try {
      const denied = await graph(`applications/${AIRFLOW_APP.id}`, { method: "PATCH", body: { web: { redirectUris: [] } } });
      expect(denied.status).toBe(403);
      expect(denied.json.error).toMatchObject({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("validates redirect URIs as Entra does", async () => {
    const bad = [["http://demo.example.com/cb"], ["https://demo.example.com/cb#x"], ["not a uri"], ["https://*.example.com/cb"], Array.from({ length: 257 }, (_, i) => `https://e${i}.example.com/cb`), [`https://example.com/${"a".repeat(250)}`], ["https://a.example.com/cb", "https://a.example.com/cb"]];
    for (const uris of bad) {
      const reply = await graph(`applications(appId='${AIRFLOW_APP.appId}')`, { method: "PATCH", body: { web: { redirectUris: uris } } });
      expect(reply.status, uris[0]).toBe(400);
      expect(reply.json.error).toMatchObject({ code: "Request_BadRequest", message: "Invalid value specified for property 'web' of resource 'Application'." });
    }
  });

  it("takes tokens from a client-credentials client of the directory's own tenant too", async () => {
    const credential = new ClientSecretCredential(TENANT_ID, "portal-client", "portal-secret", { authorityHost: env.url, disableInstanceDiscovery: true, tlsOptions: { ca: env.ca } });
    const token = await graphToken(credential);
    expect(decodeJwt(token)).toMatchObject({ aud: "https://graph.microsoft.com", tid: TENANT_ID, appid: "portal-client" });
    expect((await graph(`applications/${AIRFLOW_APP.id}`, { token })).status).toBe(200);
  });
});

describe("the Entra tenant the Airflow app signs in with", () => {
  it("publishes Entra-shaped discovery with its issuer and keys", async () => {
    const doc = (await fetchJson(`${env.url}/${TENANT_ID}/v2.0/.well-known/openid-configuration`)).json;
    expect(doc).toMatchObject({
      issuer: `${env.url}/${TENANT_ID}/v2.0`,
      authorization_endpoint: `${env.url}/${TENANT_ID}/oauth2/v2.0/authorize`,
      token_endpoint: `${env.url}/${TENANT_ID}/oauth2/v2.0/token`,
      jwks_uri: `${env.url}/${TENANT_ID}/discovery/v2.0/keys`,
    });
    const keys = (await fetchJson(String(doc.jwks_uri))).json.keys ?? [];
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys.every((k) => k.d === undefined)).toBe(true);
  });

  it("refuses a wrong client secret with AADSTS7000215", async () => {
    const reply = await fetchJson(`${env.url}/${TENANT_ID}/oauth2/v2.0/token`, { form: { grant_type: "authorization_code", code: "x", redirect_uri: "https://demo.airflow.localhost/auth/oauth-authorized/azure", client_id: AIRFLOW_APP.appId, client_secret: "wrong" } });
    expect(reply.status).toBe(401);
    expect(reply.json).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    expect(reply.json.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
  });
});

describe("the stand-in Airflow's sign-in with Entra ID (FAB, AUTH_OAUTH)", () => {
  it("keeps health and version open and sends anyone else to the login page", async () => {
    const b = browser();
    expect((await b.send(`${sites.v3}/api/v2/monitor/health`)).status).toBe(200);
    expect((await b.send(`${sites.v3}/api/v2/version`)).status).toBe(200);
    expect((await b.send(`${sites.v2}/health`)).status).toBe(200);
    expect((await b.send(`${sites.v2}/home`)).location).toBe(`${sites.v2}/login/?next=%2Fhome`);
  });

  it("fails as Entra does when the callback is not a registered redirect URI (AADSTS50011)", async () => {
    await setRedirectUris([]);
    const headers = { "x-forwarded-proto": "https", "x-forwarded-host": "analytics.airflow.localhost:8443" };
    const { reply, authorize } = await signIn(sites.v3, "/auth", "ana", { headers });
    expect(authorize.origin + authorize.pathname).toBe(`${env.url}/${TENANT_ID}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ client_id: AIRFLOW_APP.appId, response_type: "code", scope: "openid email profile", redirect_uri: "https://analytics.airflow.localhost:8443/auth/oauth-authorized/azure" });
    expect(authorize.searchParams.get("state")).toBeTruthy();
    expect(authorize.searchParams.get("nonce")).toBeTruthy();
    expect(reply.status).toBe(400);
    expect(reply.text).toContain(
      `AADSTS50011: The redirect URI &#39;https://analytics.airflow.localhost:8443/auth/oauth-authorized/azure&#39; specified in the request does not match the redirect URIs configured for the application &#39;${AIRFLOW_APP.appId}&#39;.`,
    );
  });

  it("signs ana of the environment's team in as Op (Airflow 3, FAB under /auth)", async () => {
    await setRedirectUris([`${sites.v3}/auth/oauth-authorized/azure`, `${sites.v2}/oauth-authorized/azure`]);
    const { reply, back } = await signIn(sites.v3, "/auth", "ana");
    expect(back?.location).toBe(`${sites.v3}/`);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(`<strong data-testid="airflow-role">Op</strong>`);
    expect(reply.text).toContain("Ana Analyst");
    expect(reply.text).toContain("ana@contoso.example");
    expect(reply.text).not.toContain("no roles");
  });

  it("signs kai, whose token has neither email nor upn, in as Op by preferred_username (Airflow 3 and 2)", async () => {
    await setRedirectUris([`${sites.v3}/auth/oauth-authorized/azure`, `${sites.v2}/oauth-authorized/azure`, `${sites.noFallback}/auth/oauth-authorized/azure`]);
    for (const [site, prefix] of [[sites.v3, "/auth"], [sites.v2, ""]] as const) {
      const { reply, back } = await signIn(site, prefix, "kai");
      expect(back?.location).toBe(`${site}/`);
      expect(reply.text).toContain(`<strong data-testid="airflow-role">Op</strong>`);
      expect(reply.text).toContain("Kai Contractor");
      expect(reply.text).toContain("(kai@contoso.example)");
    }
  });

  it("answers kai with FAB's Invalid login when the config leaves the address to FAB's Azure branch", async () => {
    const { reply, back } = await signIn(sites.noFallback, "/auth", "kai");
    expect(back?.location).toBe(`${sites.noFallback}/auth/login/`);
    expect(reply.text).toContain("Invalid login. Please try again.");
    expect((await signIn(sites.noFallback, "/auth", "ana")).reply.text).toContain(`<strong data-testid="airflow-role">Op</strong>`);
  });

  it("gives milo of another team no role", async () => {
    const { reply } = await signIn(sites.v3, "/auth", "milo");
    expect(reply.text).toContain(`<strong data-testid="airflow-role">Public</strong>`);
    expect(reply.text).toContain("Your user has no roles and/or permissions!");
  });

  it("signs admin of the platform admins in as Admin (Airflow 2 paths)", async () => {
    const { reply, authorize, b } = await signIn(sites.v2, "", "admin");
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${sites.v2}/oauth-authorized/azure`);
    expect(reply.text).toContain(`<strong data-testid="airflow-role">Admin</strong>`);
    // Signing out ends the site's session only.
    expect((await b.send(`${sites.v2}/logout/`)).location).toBe(`${sites.v2}/login/`);
    expect((await b.send(`${sites.v2}/`)).status).toBe(302);
  });

  it("names the token error when the secret in the cluster is wrong (AADSTS7000215)", async () => {
    await apply(oauthSecret("analytics", "not-the-secret"));
    try {
      const b = browser();
      const toEntra = await b.send(`${sites.v3}/auth/login/azure?next=/`);
      const form = await b.send((await b.send(toEntra.location!)).location!);
      expect(form.status).toBe(200);
      const formUrl = /action="([^"]+)\/login"/.exec(form.text)![1]!;
      const submitted = await b.send(new URL(`${formUrl}/login`, env.url).href, { form: { username: "ana", password: "ana-pass" } });
      const callback = (await b.send(submitted.location!)).location!;
      const back = await b.send(callback);
      expect(back.location).toBe(`${sites.v3}/auth/login/`);
      const login = await b.send(back.location!);
      expect(login.text).toContain("The request to sign in was denied.");
      expect(login.text).toContain("invalid_client: AADSTS7000215: Invalid client secret provided.");
      expect((await b.send(`${sites.v3}/`)).status).toBe(302);
    } finally {
      await apply(oauthSecret("analytics"));
    }
  });

  it("uses the generated config as the portal writes it", () => {
    const py = webserverConfigPy({ authorityHost: env.url, tenantId: TENANT_ID, roleMapping: { [ANALYTICS]: "Op" } });
    expect(py).toContain(`_AUTHORITY = "${env.url}/${TENANT_ID}"`);
  });
});
