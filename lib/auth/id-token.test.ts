import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyIdToken, type IdTokenExpectations } from "./id-token";

const ISSUER = "https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/v2.0";
const CLIENT_ID = "6b7d9c1e-1a2b-4c3d-8e9f-a0b1c2d3e4f5";
const NOW = new Date("2030-01-01T12:00:00Z");
const nowSeconds = NOW.getTime() / 1000;

let providerKey: CryptoKey;
let strangerKey: CryptoKey;
let expectations: IdTokenExpectations;

beforeAll(async () => {
  const provider = await generateKeyPair("RS256");
  const stranger = await generateKeyPair("RS256");
  providerKey = provider.privateKey;
  strangerKey = stranger.privateKey;
  const jwk = { ...(await exportJWK(provider.publicKey)), kid: "provider-key", alg: "RS256" };
  expectations = { issuer: ISSUER, audience: CLIENT_ID, jwks: createLocalJWKSet({ keys: [jwk] }), currentDate: NOW };
});

function entraClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: CLIENT_ID,
    sub: "pairwise-subject",
    oid: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a02",
    tid: "11111111-2222-4333-8444-555555555555",
    name: "Ana Analyst",
    email: "ana@contoso.example",
    roles: ["Portal.Admin"],
    groups: ["6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02"],
    iat: nowSeconds - 60,
    nbf: nowSeconds - 60,
    exp: nowSeconds + 3600,
    ...overrides,
  };
}

async function sign(payload: JWTPayload, key: CryptoKey = providerKey, kid = "provider-key", typ = "JWT") {
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid, typ }).sign(key);
}

function withoutClaim(name: string): JWTPayload {
  const claims = entraClaims();
  delete claims[name];
  return claims;
}

describe("verifyIdToken", () => {
  it("accepts a good token and reads the portal's claims, preferring oid as the subject", async () => {
    await expect(verifyIdToken(await sign(entraClaims()), expectations)).resolves.toEqual({
      subject: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a02",
      name: "Ana Analyst",
      email: "ana@contoso.example",
      roles: ["Portal.Admin"],
      groups: ["6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02"],
      groupsOverage: false,
      nonce: null,
    });
  });

  it("falls back to sub, preferred_username and empty lists when optional claims are absent", async () => {
    const token = await sign({ ...entraClaims(), oid: undefined, name: undefined, email: undefined, roles: undefined, groups: undefined, preferred_username: "ana@contoso.example" });
    await expect(verifyIdToken(token, expectations)).resolves.toEqual({
      subject: "pairwise-subject",
      name: "ana@contoso.example",
      email: null,
      roles: [],
      groups: [],
      groupsOverage: false,
      nonce: null,
    });
  });

  it("treats a group overage as no groups instead of failing", async () => {
    const token = await sign(entraClaims({ groups: undefined, _claim_names: { groups: "src1" }, _claim_sources: { src1: { endpoint: "https://graph.microsoft.com/v1.0/users/x/getMemberObjects" } } }));
    const identity = await verifyIdToken(token, expectations);
    expect(identity.groups).toEqual([]);
    expect(identity.groupsOverage).toBe(true);
  });

  it.each([
    ["another issuer", entraClaims({ iss: "https://login.microsoftonline.com/other-tenant/v2.0" }), /"iss"/],
    ["another audience", entraClaims({ aud: "00000000-0000-4000-8000-000000000000" }), /"aud"/],
    ["an expired token", entraClaims({ iat: nowSeconds - 7200, exp: nowSeconds - 3600 }), /expired/],
    ["a token not valid yet", entraClaims({ nbf: nowSeconds + 600 }), /"nbf"/],
    ["an unexpired token issued long before sign-in", entraClaims({ iat: nowSeconds - 1200, nbf: nowSeconds - 1200 }), /expired/],
    ["no subject", withoutClaim("sub"), /"sub"/],
    ["no expiry", withoutClaim("exp"), /"exp"/],
    ["roles that are not strings", entraClaims({ roles: "Portal.Admin" }), /"roles"/],
  ])("refuses %s", async (_label, claims, reason) => {
    await expect(verifyIdToken(await sign(claims), expectations)).rejects.toThrow(reason);
  });

  it.each(["at+jwt", "application/at+jwt", "AT+JWT"])("refuses an access token typed %s, though signed by the provider for the portal", async (typ) => {
    await expect(verifyIdToken(await sign(entraClaims(), providerKey, "provider-key", typ), expectations)).rejects.toThrow(/access token/);
  });

  it("refuses a token with delegated scopes (scp), the mark of an access token", async () => {
    await expect(verifyIdToken(await sign(entraClaims({ scp: "User.Read" })), expectations)).rejects.toThrow(/scp/);
  });

  it("refuses a token for several audiences unless it was issued to the portal", async () => {
    const audiences = [CLIENT_ID, "api://another-app"];
    await expect(verifyIdToken(await sign(entraClaims({ aud: audiences })), expectations)).rejects.toThrow(/several audiences/);
    await expect(verifyIdToken(await sign(entraClaims({ aud: audiences, azp: "api://another-app" })), expectations)).rejects.toThrow(/audiences|azp/);
    await expect(verifyIdToken(await sign(entraClaims({ aud: audiences, azp: CLIENT_ID })), expectations)).resolves.toMatchObject({ name: "Ana Analyst" });
  });

  it("refuses a token issued to another party", async () => {
    await expect(verifyIdToken(await sign(entraClaims({ azp: "someone-else" })), expectations)).rejects.toThrow(/azp/);
  });

  it("refuses a token signed by a key the provider does not publish", async () => {
    await expect(verifyIdToken(await sign(entraClaims(), strangerKey), expectations)).rejects.toThrow(/signature/);
  });

  it("refuses a token whose payload was changed after signing", async () => {
    const [header, , signature] = (await sign(entraClaims())).split(".");
    const forged = Buffer.from(JSON.stringify(entraClaims({ roles: ["Portal.Admin", "Anything"] }))).toString("base64url");
    await expect(verifyIdToken(`${header}.${forged}.${signature}`, expectations)).rejects.toThrow(/signature/);
  });

  it("refuses an unsigned token", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify(entraClaims())).toString("base64url");
    await expect(verifyIdToken(`${header}.${payload}.`, expectations)).rejects.toThrow(/IdTokenError|algorithm|malformed|refused/);
  });

  it("never puts the token in its error message", async () => {
    const token = await sign(entraClaims({ aud: "someone-else" }));
    const error = await verifyIdToken(token, expectations).catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain(token.split(".")[1]!);
  });
});
