import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../src/server.js";

const CLIENT_ID = "6b7d9c1e-1a2b-4c3d-8e9f-a0b1c2d3e4f5";
const PORTAL = "http://localhost:4321";
const REDIRECT_URI = `${PORTAL}/auth/redirect`;

interface Reply {
  status: number;
  location: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A tiny browser: trusts the emulator's test CA and keeps cookies, never follows redirects. */
function browser(ca: string) {
  const jar = new Map<string, string>();
  async function send(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    const headers: Record<string, string> = { ...init.headers };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (body) headers["content-type"] = "application/x-www-form-urlencoded";
    return new Promise<Reply>((resolve, reject) => {
      const req = https.request(url, { method: init.method ?? (body ? "POST" : "GET"), headers, ca, agent: false }, (res) => {
        for (const cookie of res.headers["set-cookie"] ?? []) {
          const [pair = "", ...attrs] = cookie.split(";");
          const [name = "", value = ""] = pair.split("=");
          const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a));
          if (expired || value === "") jar.delete(name.trim());
          else jar.set(name.trim(), value);
        }
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, location: res.headers.location, headers: res.headers, text }),
        );
      });
      req.on("error", reject);
      req.end(body);
    });
  }
  return { send };
}

const base64url = (b: Buffer) => b.toString("base64url");

describe("emulator identity provider", () => {
  let dataDir: string;
  let emulator: RunningEmulator;
  let ca: string;
  let discovery: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "identity-"));
    emulator = await startEmulator({ port: 0, dataDir });
    ca = await readFile(emulator.caCertPath, "utf8");
    const reply = await browser(ca).send(`${emulator.url}/oidc/.well-known/openid-configuration`);
    discovery = JSON.parse(reply.text) as Record<string, string>;
  });

  afterAll(async () => {
    await emulator?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function authorizeUrl(overrides: Record<string, string> = {}) {
    const verifier = base64url(randomBytes(32));
    const params = new URLSearchParams({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: "code",
      scope: "openid profile email",
      state: base64url(randomBytes(8)),
      nonce: base64url(randomBytes(8)),
      code_challenge: base64url(createHash("sha256").update(verifier).digest()),
      code_challenge_method: "S256",
      ...overrides,
    });
    return { url: `${discovery.authorization_endpoint}?${params}`, verifier, params };
  }

  it("publishes discovery at the issuer", () => {
    expect(discovery.issuer).toBe(`${emulator.url}/oidc`);
    expect(discovery.code_challenge_methods_supported).toEqual(["S256"]);
    expect(discovery.end_session_endpoint).toBe(`${emulator.url}/oidc/session/end`);
  });

  it("signs a test user in with authorization code + PKCE and issues an Entra-like ID token", async () => {
    const b = browser(ca);
    const { url, verifier, params } = authorizeUrl();

    const toForm = await b.send(url);
    expect(toForm.status).toBe(303);
    const formUrl = new URL(toForm.location!, emulator.url).href;
    const form = await b.send(formUrl);
    expect(form.status).toBe(200);
    expect(form.text).toContain(`<label for="username">User name</label>`);
    expect(form.text).not.toContain("fonts.googleapis.com");

    const wrong = await b.send(`${formUrl}/login`, { form: { username: "ana", password: "admin-pass" } });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain(`role="alert"`);

    const right = await b.send(`${formUrl}/login`, { form: { username: "ana", password: "ana-pass" } });
    expect(right.status).toBe(303);
    const back = await b.send(right.location!);
    expect(back.status).toBe(303);
    const callback = new URL(back.location!);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get("state")).toBe(params.get("state"));
    const code = callback.searchParams.get("code")!;

    const tokenReply = await b.send(discovery.token_endpoint!, {
      headers: { origin: PORTAL },
      form: { grant_type: "authorization_code", client_id: CLIENT_ID, code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
    });
    expect(tokenReply.status).toBe(200);
    expect(tokenReply.headers["access-control-allow-origin"]).toBe(PORTAL);
    const tokens = JSON.parse(tokenReply.text) as { id_token: string; refresh_token?: string };
    expect(tokens.refresh_token).toBeUndefined();

    const jwks = JSON.parse((await b.send(discovery.jwks_uri!)).text) as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, createLocalJWKSet(jwks), {
      issuer: discovery.issuer,
      audience: CLIENT_ID,
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      sub: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a02",
      oid: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a02",
      tid: "11111111-2222-4333-8444-555555555555",
      name: "Ana Analyst",
      email: "ana@contoso.example",
      preferred_username: "ana@contoso.example",
      roles: [],
      groups: ["6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02"],
      nonce: params.get("nonce"),
    });

    // Sign-out with the ID token as hint goes straight back to the portal, no confirmation click.
    const end = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: `${PORTAL}/signin` });
    const logoutPage = await b.send(`${discovery.end_session_endpoint}?${end}`);
    expect(logoutPage.status).toBe(200);
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(logoutPage.text)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(logoutPage.text)![1]!;
    const done = await b.send(action, { form: { xsrf, logout: "yes" } });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${PORTAL}/signin`);

    // Keys live in the data folder, so tokens issued before a restart still verify after it.
    await emulator.close();
    emulator = await startEmulator({ port: emulator.port, dataDir });
    const jwksAfter = JSON.parse((await browser(ca).send(discovery.jwks_uri!)).text) as JSONWebKeySet;
    await expect(jwtVerify(tokens.id_token, createLocalJWKSet(jwksAfter), { issuer: discovery.issuer })).resolves.toBeTruthy();
  });

  it("accepts any loopback port for the portal's redirect URI", async () => {
    for (const redirect of ["http://127.0.0.1:61234/auth/redirect", "http://localhost:5/auth/redirect"]) {
      const reply = await browser(ca).send(authorizeUrl({ redirect_uri: redirect }).url);
      expect(reply.status, redirect).toBe(303);
      expect(reply.location, redirect).toMatch(/\/oidc\/interaction\//);
    }
  });

  it("refuses redirect URIs that are not the portal's loopback bridge page", async () => {
    for (const redirect of [
      "https://evil.example/auth/redirect",
      "http://evil.example:3000/auth/redirect",
      "http://localhost:3000/somewhere-else",
      "http://localhost:3000/auth/redirect?next=https://evil.example",
    ]) {
      const reply = await browser(ca).send(authorizeUrl({ redirect_uri: redirect }).url);
      expect(reply.status, redirect).toBe(400);
      expect(reply.location, redirect).toBeUndefined();
      expect(reply.text, redirect).toContain("redirect_uri");
    }
  });

  it("refuses a sign-in request without PKCE", async () => {
    const { url } = authorizeUrl();
    const withoutPkce = url.replace(/&code_challenge=[^&]+&code_challenge_method=S256/, "");
    const reply = await browser(ca).send(withoutPkce);
    expect(reply.status).toBe(303);
    expect(new URL(reply.location!).searchParams.get("error")).toBe("invalid_request");
  });
});
