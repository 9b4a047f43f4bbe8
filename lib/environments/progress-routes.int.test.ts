import { NextRequest } from "next/server";
import { recordEvent } from "@/lib/provisioning/store";
import type { EventLevel } from "@/lib/provisioning/deployed";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createSession, revokeSession, revokeUserSessions, type SessionClaims } from "@/lib/auth/sessions";
import { withTestDatabase } from "@/scripts/test-support/db";

/** The live-progress endpoints as a browser reaches them: the session cookie decides who may read what. */
const SECRET = "progress-routes-session-secret-0123456789";
let sessionCookie: string | undefined;

vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (name === "portal_session" && sessionCookie ? { name, value: sessionCookie } : undefined),
  }),
}));

const database = withTestDatabase();
const ANALYTICS = "00000000-0000-4000-8000-0000000000b2";
const ML = "00000000-0000-4000-8000-0000000000b3";
const users = {
  ana: { subject: "ana", name: "Ana Analyst", email: null, roles: [], groups: [ANALYTICS] },
  milo: { subject: "milo", name: "Milo Modeler", email: null, roles: [], groups: [ML] },
  admin: { subject: "admin", name: "Ada Admin", email: null, roles: ["Portal.Admin"], groups: [] },
} satisfies Record<string, SessionClaims>;

async function signInAs(user: SessionClaims | null) {
  sessionCookie = user ? await createSession(database.prisma, user, SECRET) : undefined;
}

let routes: {
  events: typeof import("@/app/api/environments/[id]/events/route").GET;
  progress: typeof import("@/app/api/environments/[id]/progress/route").GET;
};
let environmentId: string;
let operationId: string;
let eventIds: string[];

beforeAll(async () => {
  process.env.DATABASE_URL = database.url;
  process.env.SESSION_SECRET = SECRET;
  process.env.OIDC_AUTHORITY = "https://localhost:9443/oidc";
  process.env.OIDC_CLIENT_ID = "portal";
  const db = database.prisma;
  const team = await db.team.create({ data: { slug: "analytics", name: "Analytics", entraGroupId: ANALYTICS } });
  await db.team.create({ data: { slug: "ml", name: "Machine Learning", entraGroupId: ML } });
  const ana = await db.user.create({ data: { subject: "ana", name: "Ana Analyst" } });
  const env = await db.environment.create({
    data: {
      name: "secret-project", nameSuffix: "abc123", teamId: team.id, requestedById: ana.id, status: "PROVISIONING", purpose: "p",
      region: "westeurope", size: "small", executor: "KubernetesExecutor", airflowVersion: "3.0.6", chartVersion: "1.18.0",
    },
  });
  environmentId = env.id;
  const op = await db.operation.create({
    data: { environmentId, kind: "PROVISION", status: "RUNNING", steps: { create: [{ key: "cluster", status: "RUNNING" }, { key: "resource-group", status: "SUCCEEDED" }] } },
  });
  operationId = op.id;
  routes = {
    events: (await import("@/app/api/environments/[id]/events/route")).GET,
    progress: (await import("@/app/api/environments/[id]/progress/route")).GET,
  };
});

beforeEach(async () => {
  await database.truncate(["operation_events", "event_stream_leases"]);
  const messages: [string | null, string, string][] = [
    ["resource-group", "status", "RUNNING"],
    ["resource-group", "info", "PUT rg-airflow-secret-project"],
    ["resource-group", "status", "SUCCEEDED"],
    ["cluster", "status", "RUNNING"],
  ];
  for (const [stepKey, level, message] of messages) await recordEvent(database.prisma, operationId, stepKey, level as EventLevel, message);
  eventIds = (await database.prisma.operationEvent.findMany({ orderBy: { seq: "asc" } })).map((e) => String(e.seq));
});

const context = (id: string) => ({ params: Promise.resolve({ id }) });

/** Opens the stream, reads until `until` matches what arrived (or 5 s pass), then hangs up as a browser would. */
async function readStream(id: string, init: { after?: string; lastEventId?: string; until: RegExp }) {
  const abort = new AbortController();
  const url = `http://portal.test/api/environments/${id}/events${init.after ? `?after=${init.after}` : ""}`;
  const headers = init.lastEventId ? { "last-event-id": init.lastEventId } : undefined;
  const response = await routes.events(new NextRequest(url, { headers, signal: abort.signal }), context(id));
  if (!response.body || response.status !== 200) return { response, text: await response.text() };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 5000;
  while (!init.until.test(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  abort.abort();
  // The stream ends once the browser has gone.
  while (!(await reader.read()).done);
  return { response, text };
}

const ids = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]);

describe("GET /api/environments/[id]/events", () => {
  it("refuses a signed-out caller with 401 and someone of another team with 404, leaking nothing", async () => {
    await signInAs(null);
    expect((await readStream(environmentId, { until: /x/ })).response.status).toBe(401);
    await signInAs(users.milo);
    for (const id of [environmentId, "not-a-uuid"]) {
      const { response, text } = await readStream(id, { until: /x/ });
      expect(response.status).toBe(404);
      expect(text).not.toMatch(/secret-project|rg-airflow/);
    }
  });

  it("streams the team's events with their ids, resuming after ?after=", async () => {
    await signInAs(users.ana);
    const { response, text } = await readStream(environmentId, { after: eventIds[1], until: /event: environment/ });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(ids(text)).toEqual(eventIds.slice(2));
    expect(text).toContain('"message":"SUCCEEDED"');
    expect(text).toContain('event: environment\ndata: {"status":"PROVISIONING"}');
  });

  it("resumes after Last-Event-ID, which wins over ?after= when the browser reconnects", async () => {
    await signInAs(users.admin);
    const { text } = await readStream(environmentId, { after: "0", lastEventId: eventIds[2], until: /event: environment/ });
    expect(ids(text)).toEqual([eventIds[3]]);
  });

  it("sends events written after it opened", async () => {
    await signInAs(users.ana);
    const later = setTimeout(() => {
      void recordEvent(database.prisma, operationId, "cluster", "status", "SUCCEEDED");
    }, 300);
    const { text } = await readStream(environmentId, { after: eventIds[3], until: /"stepKey":"cluster","level":"status","message":"SUCCEEDED"/ });
    clearTimeout(later);
    expect(ids(text)).toHaveLength(1);
  });
});

/** Opens the stream as the current cookie's holder and keeps it open; `readUntilEnd` says how long the server took to end it. */
async function openStream(id: string) {
  const abort = new AbortController();
  const response = await routes.events(new NextRequest(`http://portal.test/api/environments/${id}/events`, { signal: abort.signal }), context(id));
  const reader = response.status === 200 ? response.body!.getReader() : null;
  const decoder = new TextDecoder();
  let text = "";
  return {
    response,
    abort: async () => {
      abort.abort();
      if (reader) while (!(await reader.read()).done);
    },
    async readUntil(pattern: RegExp) {
      while (reader && !pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      return text;
    },
    /** Milliseconds until the server ends the stream, or null if it is still open after `withinMs`. */
    async endsWithin(withinMs: number): Promise<number | null> {
      const started = Date.now();
      const timeout = new Promise<"open">((resolve) => setTimeout(() => resolve("open"), withinMs));
      for (;;) {
        const next = await Promise.race([reader!.read(), timeout]);
        if (next === "open") {
          abort.abort();
          return null;
        }
        if (next.done) return Date.now() - started;
      }
    },
  };
}

describe("a stream and its session", () => {
  it("ends within seconds of sign-out", async () => {
    await signInAs(users.ana);
    const cookie = sessionCookie!;
    const stream = await openStream(environmentId);
    expect(stream.response.status).toBe(200);
    await stream.readUntil(/event: environment/);
    await revokeSession(database.prisma, cookie, SECRET);
    expect(await stream.endsWithin(4000)).not.toBeNull();
  });

  it("ends within seconds of an admin's Sign out everywhere", async () => {
    await signInAs(users.ana);
    const stream = await openStream(environmentId);
    await stream.readUntil(/event: environment/);
    const ana = await database.prisma.user.findUniqueOrThrow({ where: { subject: "ana" } });
    const admin = await database.prisma.user.upsert({ where: { subject: "admin" }, create: { subject: "admin", name: "Ada Admin" }, update: {} });
    await revokeUserSessions(database.prisma, { id: admin.id, isAdmin: true, teamIds: [] }, ana.id);
    expect(await stream.endsWithin(4000)).not.toBeNull();
  });

  it("keeps going while the session lives", async () => {
    await signInAs(users.ana);
    const stream = await openStream(environmentId);
    await stream.readUntil(/event: environment/);
    expect(await stream.endsWithin(2500)).toBeNull();
    await stream.abort();
  });
});

describe("open streams are limited", () => {
  it("to 6 per session and 10 per person: the 7th of a session and the 11th of a person are refused with 429", async () => {
    await signInAs(users.ana);
    const laptop = await Promise.all(Array.from({ length: 6 }, () => openStream(environmentId)));
    expect(laptop.map((s) => s.response.status)).toEqual(Array(6).fill(200));
    const seventh = await openStream(environmentId);
    expect(seventh.response.status).toBe(429);
    expect((await seventh.response.json()).message).toMatch(/in this browser/);

    await signInAs(users.ana);
    const phone = await Promise.all(Array.from({ length: 4 }, () => openStream(environmentId)));
    expect(phone.map((s) => s.response.status)).toEqual(Array(4).fill(200));
    const eleventh = await openStream(environmentId);
    expect(eleventh.response.status).toBe(429);
    expect(eleventh.response.headers.get("cache-control")).toBe("no-store");
    expect((await eleventh.response.json()).message).toMatch(/most allowed for one person/);

    // Another person is not held back by Ana's streams.
    await signInAs(users.admin);
    const other = await openStream(environmentId);
    expect(other.response.status).toBe(200);
    await other.abort();

    // A closed stream gives its place back.
    await signInAs(users.ana);
    await laptop[0]!.abort();
    await vi.waitFor(async () => expect(await database.prisma.eventStreamLease.count({ where: { user: { subject: "ana" } } })).toBe(9));
    const again = await openStream(environmentId);
    expect(again.response.status).toBe(200);
    for (const s of [...laptop.slice(1), ...phone, again]) await s.abort();
    await vi.waitFor(async () => expect(await database.prisma.eventStreamLease.count()).toBe(0));
  });
});

describe("GET /api/environments/[id]/progress", () => {
  it("gives the team the latest operation's steps in plan order, and its events with ids", async () => {
    await signInAs(users.ana);
    const response = await routes.progress(new Request("http://portal.test"), context(environmentId));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.environment).toMatchObject({ status: "PROVISIONING", airflowUrl: null });
    expect(body.operation).toMatchObject({ kind: "PROVISION", status: "RUNNING" });
    expect(body.operation.steps.slice(0, 6)).toMatchObject([
      { key: "resource-group", label: "Create the resource group", status: "SUCCEEDED" },
      { key: "spoke-network", status: "PENDING" },
      { key: "hub-peering", status: "PENDING" },
      { key: "database-dns", status: "PENDING" },
      { key: "cluster", label: "Create the AKS cluster", status: "RUNNING" },
      { key: "database-server", status: "PENDING" },
    ]);
    expect(body.events.map((e: { id: string }) => e.id)).toEqual(eventIds);
    expect(body.lastEventId).toBe(eventIds.at(-1));
  });

  it("gives the detail page only the last events it asks for, and says that more exist", async () => {
    const { getProgress } = await import("@/lib/environments/progress");
    const admin = { id: "00000000-0000-4000-8000-00000000000a", isAdmin: true, teamIds: [] };
    const some = await getProgress(database.prisma, admin, environmentId, undefined, { events: 2 });
    expect(some.events.map((e) => e.id)).toEqual(eventIds.slice(-2));
    expect(some.partial).toBe(true);
    expect(some.lastEventId).toBe(eventIds.at(-1));
    const all = await getProgress(database.prisma, admin, environmentId, undefined, { events: 4 });
    expect(all.events.map((e) => e.id)).toEqual(eventIds);
    expect(all.partial).toBeUndefined();
  });

  it("answers 401 and 404 like the stream", async () => {
    await signInAs(null);
    expect((await routes.progress(new Request("http://portal.test"), context(environmentId))).status).toBe(401);
    await signInAs(users.milo);
    const hidden = await routes.progress(new Request("http://portal.test"), context(environmentId));
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toContain("secret-project");
  });
});
