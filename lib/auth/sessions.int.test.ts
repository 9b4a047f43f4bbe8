import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/scripts/test-support/db";
import { hashSecretValue } from "./session-cookie";
import { createSession, listSignedInUsers, readSession, revokeSession, revokeUserSessions, SESSION_MAX_AGE_SECONDS, type SessionClaims } from "./sessions";
import { consumeSignInNonce, issueSignInNonce, SIGN_IN_NONCE_TTL_SECONDS } from "./sign-in-nonce";

const database = withTestDatabase();
const SECRET = "sessions-test-secret-0123456789abcdefghij";
const policy = { secret: SECRET, idleMinutes: 60 };
const ana: SessionClaims = { subject: "ana-oid", name: "Ana Analyst", email: "ana@contoso.example", roles: [], groups: ["g-analytics"] };
const T0 = new Date("2030-01-01T08:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

beforeEach(() => database.truncate(["sessions", "sign_in_nonces"]));

describe("sessions", () => {
  it("live on the server: the cookie is a random id, the row keeps only its hash and no token", async () => {
    const cookie = await createSession(database.prisma, ana, SECRET, T0);
    await expect(readSession(database.prisma, cookie, policy, at(1))).resolves.toEqual(ana);
    const [row] = await database.prisma.session.findMany();
    expect(row!.id).toBe(hashSecretValue(cookie.split(".")[0]!));
    expect(JSON.stringify(row)).not.toContain(cookie.split(".")[0]);
  });

  it("end at sign-out: the same cookie no longer works", async () => {
    const cookie = await createSession(database.prisma, ana, SECRET, T0);
    await revokeSession(database.prisma, cookie, SECRET, at(5));
    await expect(readSession(database.prisma, cookie, policy, at(6))).resolves.toBeNull();
  });

  it("end when idle longer than allowed, and activity keeps them alive", async () => {
    const active = await createSession(database.prisma, ana, SECRET, T0);
    const idle = await createSession(database.prisma, ana, SECRET, T0);
    await expect(readSession(database.prisma, active, policy, at(50))).resolves.not.toBeNull();
    await expect(readSession(database.prisma, active, policy, at(100))).resolves.not.toBeNull();
    await expect(readSession(database.prisma, idle, policy, at(61))).resolves.toBeNull();
    await expect(readSession(database.prisma, idle, { ...policy, idleMinutes: 120 }, at(61))).resolves.not.toBeNull();
  });

  it("end 8 hours after sign-in however active", async () => {
    const cookie = await createSession(database.prisma, ana, SECRET, T0);
    for (let m = 50; m < SESSION_MAX_AGE_SECONDS / 60; m += 50) await readSession(database.prisma, cookie, policy, at(m));
    await expect(readSession(database.prisma, cookie, policy, at(SESSION_MAX_AGE_SECONDS / 60 - 1))).resolves.not.toBeNull();
    await expect(readSession(database.prisma, cookie, policy, at(SESSION_MAX_AGE_SECONDS / 60 + 1))).resolves.toBeNull();
  });

  it("refuse a cookie signed with another secret", async () => {
    const cookie = await createSession(database.prisma, ana, "another-secret-also-32-characters-long!!", T0);
    await expect(readSession(database.prisma, cookie, policy, at(1))).resolves.toBeNull();
  });

  it("all end when an admin revokes the user's sessions, which the audit trail records", async () => {
    const laptop = await createSession(database.prisma, ana, SECRET, T0);
    const phone = await createSession(database.prisma, ana, SECRET, T0);
    const other = await createSession(database.prisma, { ...ana, subject: "milo-oid", name: "Milo" }, SECRET, T0);
    const anaUser = await database.prisma.user.findUniqueOrThrow({ where: { subject: "ana-oid" } });
    const admin = await database.prisma.user.create({ data: { subject: "admin-oid", name: "Ada Admin" } });

    expect((await listSignedInUsers(database.prisma, { id: admin.id, isAdmin: true, teamIds: [] }, 60, at(1))).map((u) => [u.name, u.sessions])).toEqual(
      expect.arrayContaining([["Ana Analyst", 2], ["Milo", 1]]),
    );
    await expect(revokeUserSessions(database.prisma, { id: anaUser.id, isAdmin: false, teamIds: [] }, anaUser.id, at(2))).rejects.toThrow(/admins/);
    await expect(revokeUserSessions(database.prisma, { id: admin.id, isAdmin: true, teamIds: [] }, anaUser.id, at(2))).resolves.toEqual({
      name: "Ana Analyst",
      count: 2,
    });

    await expect(readSession(database.prisma, laptop, policy, at(3))).resolves.toBeNull();
    await expect(readSession(database.prisma, phone, policy, at(3))).resolves.toBeNull();
    await expect(readSession(database.prisma, other, policy, at(3))).resolves.not.toBeNull();
    const audit = await database.prisma.auditEvent.findFirstOrThrow({ where: { action: "user.sessions-revoked" } });
    expect(audit).toMatchObject({ actorId: admin.id, environmentId: null, details: { userId: anaUser.id, sessions: 2 } });
  });
});

describe("sign-in nonces", () => {
  it("are accepted once", async () => {
    const nonce = issueSignInNonce(SECRET, T0);
    await expect(consumeSignInNonce(database.prisma, SECRET, nonce, at(1))).resolves.toBe(true);
    await expect(consumeSignInNonce(database.prisma, SECRET, nonce, at(2))).resolves.toBe(false);
  });

  it("are accepted once even when the same token is posted twice at once", async () => {
    const nonce = issueSignInNonce(SECRET, T0);
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeSignInNonce(database.prisma, SECRET, nonce, at(1))));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("expire", async () => {
    const nonce = issueSignInNonce(SECRET, T0);
    await expect(consumeSignInNonce(database.prisma, SECRET, nonce, at(SIGN_IN_NONCE_TTL_SECONDS / 60 + 1))).resolves.toBe(false);
  });

  it("must be ones the portal signed: made-up, edited, re-dated or foreign-signed ones are refused", async () => {
    const nonce = issueSignInNonce(SECRET, T0);
    const [random, expires, signature] = nonce.split(".") as [string, string, string];
    const later = String(Number(expires) + 3600);
    const forged = [
      "made-up",
      `${random}.${later}.${signature}`,
      `${"A".repeat(22)}.${expires}.${signature}`,
      issueSignInNonce("another-secret-also-32-characters-long!!", T0),
      `${random}.${expires}.${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`,
    ];
    for (const value of forged) await expect(consumeSignInNonce(database.prisma, SECRET, value, at(1)), value).resolves.toBe(false);
    expect(await database.prisma.signInNonce.count()).toBe(0);
  });

  it("cost no row until used, then only a hash that is gone once the nonce has expired", async () => {
    const nonces = Array.from({ length: 300 }, () => issueSignInNonce(SECRET, T0));
    expect(new Set(nonces).size).toBe(300);
    expect(await database.prisma.signInNonce.count()).toBe(0);

    await consumeSignInNonce(database.prisma, SECRET, nonces[0]!, at(1));
    expect(await database.prisma.signInNonce.findMany()).toEqual([expect.objectContaining({ id: hashSecretValue(nonces[0]!) })]);
    expect(JSON.stringify(await database.prisma.signInNonce.findMany())).not.toContain(nonces[0]!.split(".")[0]);

    // A later sign-in clears the records of nonces that have expired since.
    const fresh = issueSignInNonce(SECRET, at(20));
    await expect(consumeSignInNonce(database.prisma, SECRET, fresh, at(21))).resolves.toBe(true);
    expect((await database.prisma.signInNonce.findMany()).map((row) => row.id)).toEqual([hashSecretValue(fresh)]);
  });
});

describe("POST /api/auth/nonce", () => {
  it("writes no row for 300 unauthenticated requests, and each answer is a nonce good for one sign-in", async () => {
    process.env.DATABASE_URL = database.url;
    process.env.SESSION_SECRET = SECRET;
    process.env.OIDC_AUTHORITY ??= "https://localhost:9443/oidc";
    process.env.OIDC_CLIENT_ID ??= "portal";
    const { POST } = await import("@/app/api/auth/nonce/route");
    const { NextRequest } = await import("next/server");
    const before = await database.prisma.signInNonce.count();
    const nonces: string[] = [];
    for (let i = 0; i < 300; i++) {
      const response = await POST(new NextRequest("http://portal.test/api/auth/nonce", { method: "POST", headers: { origin: "http://portal.test", host: "portal.test" } }));
      expect(response.status).toBe(200);
      const { nonce } = (await response.json()) as { nonce: string };
      expect(response.cookies.get("portal_signin_nonce")?.value).toBe(nonce);
      nonces.push(nonce);
    }
    expect(await database.prisma.signInNonce.count()).toBe(before);
    await expect(consumeSignInNonce(database.prisma, SECRET, nonces[299]!)).resolves.toBe(true);
    await expect(consumeSignInNonce(database.prisma, SECRET, nonces[299]!)).resolves.toBe(false);
  });
});
