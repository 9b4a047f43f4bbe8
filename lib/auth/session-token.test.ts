import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createSessionToken, SESSION_TTL_SECONDS, verifySessionToken, type SessionClaims } from "./session-token";

const SECRET = "a-session-secret-of-at-least-32-characters!";
const CLAIMS: SessionClaims = {
  subject: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a01",
  name: "Ada Admin",
  email: "admin@contoso.example",
  roles: ["Portal.Admin"],
  groups: ["6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e01"],
};
const SIGNED_IN = new Date("2030-01-01T08:00:00Z");
const later = (seconds: number) => new Date(SIGNED_IN.getTime() + seconds * 1000);

describe("session token", () => {
  it("round-trips the claims", async () => {
    const token = await createSessionToken(CLAIMS, SECRET, SIGNED_IN);
    await expect(verifySessionToken(token, SECRET, later(60))).resolves.toEqual(CLAIMS);
  });

  it("lasts eight hours from sign-in, then is refused", async () => {
    const token = await createSessionToken(CLAIMS, SECRET, SIGNED_IN);
    await expect(verifySessionToken(token, SECRET, later(SESSION_TTL_SECONDS - 1))).resolves.not.toBeNull();
    await expect(verifySessionToken(token, SECRET, later(SESSION_TTL_SECONDS + 1))).resolves.toBeNull();
  });

  it("refuses a token signed with another secret", async () => {
    const token = await createSessionToken(CLAIMS, "another-secret-that-is-also-long-enough", SIGNED_IN);
    await expect(verifySessionToken(token, SECRET, later(60))).resolves.toBeNull();
  });

  it("refuses a token whose claims were edited", async () => {
    const [header, , signature] = (await createSessionToken({ ...CLAIMS, roles: [] }, SECRET, SIGNED_IN)).split(".");
    const edited = Buffer.from(
      JSON.stringify({ sub: CLAIMS.subject, name: CLAIMS.name, email: null, roles: ["Portal.Admin"], groups: [], iss: "airflow-portal", aud: "airflow-portal/session", exp: 4102444800 }),
    ).toString("base64url");
    await expect(verifySessionToken(`${header}.${edited}.${signature}`, SECRET, later(60))).resolves.toBeNull();
  });

  it("refuses another HS256 token made with the same secret", async () => {
    const other = await new SignJWT({ name: "x", email: null, roles: [], groups: [] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("x")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(SECRET));
    await expect(verifySessionToken(other, SECRET)).resolves.toBeNull();
  });

  it("refuses garbage", async () => {
    await expect(verifySessionToken("not-a-token", SECRET)).resolves.toBeNull();
  });
});
