import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createSession, type SessionClaims } from "@/lib/auth/sessions";
import { withTestDatabase } from "@/scripts/test-support/db";
import { clearChartSourceCache } from "@/lib/helm/chart-source";
import { CELERY_REFUSAL, startTestChartRepository, writeRefusingChart, type TestChartRepository } from "@/scripts/test-support/helm";

/**
 * The Server Actions themselves, as the browser reaches them: each must find the user from the
 * session cookie and refuse the wrong one, whatever page the form came from.
 */
const SECRET = "actions-test-session-secret-0123456789abcdef";
let sessionCookie: string | undefined;

vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (name === "portal_session" && sessionCookie ? { name, value: sessionCookie } : undefined),
  }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const database = withTestDatabase();
const ANALYTICS = "00000000-0000-4000-8000-0000000000a2";
const ML = "00000000-0000-4000-8000-0000000000a3";
const users = {
  ana: { subject: "ana", name: "Ana Analyst", email: null, roles: [], groups: [ANALYTICS] },
  milo: { subject: "milo", name: "Milo Modeler", email: null, roles: [], groups: [ML] },
  admin: { subject: "admin", name: "Ada Admin", email: null, roles: ["Portal.Admin"], groups: [] },
} satisfies Record<string, SessionClaims>;

async function signInAs(user: SessionClaims | null) {
  sessionCookie = user ? await createSession(database.prisma, user, SECRET) : undefined;
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

const validRequest = {
  name: "action-env",
  team: "analytics",
  purpose: "Testing the actions",
  region: "westeurope",
  size: "small",
  executor: "KubernetesExecutor",
  airflowVersion: "3.2.2",
};

async function redirectTarget(run: Promise<unknown>): Promise<string> {
  const error = (await run.then(
    () => undefined,
    (e: unknown) => e,
  )) as { digest?: string } | undefined;
  expect(error?.digest, "expected the action to redirect").toMatch(/^NEXT_REDIRECT/);
  return error!.digest!.split(";")[2]!;
}

let actions: {
  request: typeof import("./request-environment-action").requestEnvironmentAction;
  approve: typeof import("./approve-request-action").approveRequestAction;
  reject: typeof import("./reject-request-action").rejectRequestAction;
  teardown: typeof import("./teardown-environment-action").teardownEnvironmentAction;
  retry: typeof import("./retry-environment-action").retryEnvironmentAction;
  withdraw: typeof import("./withdraw-request-action").withdrawRequestAction;
};

// The chart every request and approval renders first: chart airflow 1.22.0 that refuses Celery.
const chart = writeRefusingChart("1.22.0");
let charts: TestChartRepository;

afterAll(async () => {
  await charts?.close();
  chart.remove();
});

beforeAll(async () => {
  charts = await startTestChartRepository(chart.chartsDir);
  // lib/config reads the environment once, on first use: set it before any action runs.
  process.env.PORTAL_HELM_REPOSITORY_URL = charts.url;
  process.env.DATABASE_URL = database.url;
  process.env.SESSION_SECRET = SECRET;
  process.env.OIDC_AUTHORITY = "https://localhost:9443/oidc";
  process.env.OIDC_CLIENT_ID = "portal";
  // Internal Airflow UIs (the default), reachable through the platform's hub network.
  Object.assign(process.env, PLATFORM_NETWORK);
  await database.prisma.team.createMany({
    data: [
      { slug: "analytics", name: "Analytics", entraGroupId: ANALYTICS },
      { slug: "ml", name: "Machine Learning", entraGroupId: ML },
    ],
  });
  actions = {
    request: (await import("./request-environment-action")).requestEnvironmentAction,
    approve: (await import("./approve-request-action")).approveRequestAction,
    reject: (await import("./reject-request-action")).rejectRequestAction,
    teardown: (await import("./teardown-environment-action")).teardownEnvironmentAction,
    retry: (await import("./retry-environment-action")).retryEnvironmentAction,
    withdraw: (await import("./withdraw-request-action")).withdrawRequestAction,
  };
});

beforeEach(async () => {
  await database.truncate(["environments"]);
  charts.down = false;
  clearChartSourceCache();
});

async function pendingEnvironmentId(): Promise<string> {
  await signInAs(users.ana);
  const target = await redirectTarget(actions.request({ ok: null }, form(validRequest)));
  return target.replace("/environments/", "");
}

const PLATFORM_NETWORK = {
  PORTAL_HUB_VNET_ID: "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-platform/providers/Microsoft.Network/virtualNetworks/vnet-hub",
  PORTAL_SPOKE_ADDRESS_POOL: "10.64.0.0/16",
};

describe("without the platform's network, internal Airflow UIs would be reachable by no one", () => {
  it("refuses the request and the approval with what to configure, and changes nothing", async () => {
    const pending = await pendingEnvironmentId();
    const auditBefore = await database.prisma.auditEvent.count();
    for (const key of Object.keys(PLATFORM_NETWORK)) delete process.env[key];
    vi.resetModules();
    try {
      const request = (await import("./request-environment-action")).requestEnvironmentAction;
      const approve = (await import("./approve-request-action")).approveRequestAction;
      const refusal = /no platform network is configured: an administrator must set PORTAL_HUB_VNET_ID and PORTAL_SPOKE_ADDRESS_POOL/;
      await signInAs(users.ana);
      expect(await request({ ok: null }, form({ ...validRequest, name: "unreachable" }))).toMatchObject({ ok: false, message: expect.stringMatching(refusal) });
      await signInAs(users.admin);
      expect(await approve({ ok: null }, form({ id: pending }))).toMatchObject({ ok: false, message: expect.stringMatching(refusal) });
    } finally {
      Object.assign(process.env, PLATFORM_NETWORK);
      vi.resetModules();
    }
    expect(await database.prisma.environment.findMany({ select: { name: true, status: true } })).toEqual([{ name: "action-env", status: "PENDING_APPROVAL" }]);
    expect(await database.prisma.auditEvent.count()).toBe(auditBefore);
  });
});

describe("requestEnvironmentAction", () => {
  it("records a request and goes to its page", async () => {
    const id = await pendingEnvironmentId();
    const row = await database.prisma.environment.findUniqueOrThrow({ where: { id }, include: { requestedBy: true } });
    expect(row).toMatchObject({ name: "action-env", status: "PENDING_APPROVAL", requestedBy: { subject: "ana" } });
  });

  it("refuses a signed-out caller and writes nothing", async () => {
    await signInAs(null);
    const result = await actions.request({ ok: null }, form(validRequest));
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/session has ended/) });
    expect(await database.prisma.environment.count()).toBe(0);
  });

  it("refuses a request for another team and keeps what was typed", async () => {
    await signInAs(users.milo);
    const result = await actions.request({ ok: null }, form(validRequest));
    expect(result).toMatchObject({ ok: false, fieldErrors: { team: [expect.stringMatching(/your own teams/)] }, values: { name: "action-env" } });
    expect(await database.prisma.environment.count()).toBe(0);
  });

  it("refuses invalid input with messages per field and writes nothing", async () => {
    await signInAs(users.ana);
    const result = await actions.request({ ok: null }, form({ ...validRequest, name: "-bad", purpose: "" }));
    expect(result).toMatchObject({ ok: false, fieldErrors: { name: expect.any(Array), purpose: expect.any(Array) } });
    expect(await database.prisma.environment.count()).toBe(0);
  });
});

describe("the chart's say before anything is written", () => {
  const written = async () => ({
    environments: await database.prisma.environment.count(),
    auditEvents: await database.prisma.auditEvent.count(),
    operations: await database.prisma.operation.count(),
  });

  it("refuses a request whose values the chart refuses, in the chart's words, and writes nothing", async () => {
    await signInAs(users.ana);
    const before = await written();
    const result = await actions.request({ ok: null }, form({ ...validRequest, executor: "CeleryExecutor" }));
    expect(result).toMatchObject({ ok: false, values: { name: "action-env" } });
    const message = (result as { message: string }).message;
    expect(message).toMatch(/^Chart airflow 1\.22\.0 refuses these settings: /);
    expect(message).toContain(CELERY_REFUSAL);
    expect(await written()).toEqual(before);
  });

  it("records a request while the repository is down, and lets provisioning report it later", async () => {
    charts.down = true;
    const id = await pendingEnvironmentId();
    expect(await database.prisma.environment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "PENDING_APPROVAL" });
  });

  it("shows the admin a repository that is down, or a refusal, instead of approving", async () => {
    charts.down = true;
    await signInAs(users.ana);
    const celery = (await redirectTarget(actions.request({ ok: null }, form({ ...validRequest, executor: "CeleryExecutor" })))).split("/").pop()!;
    const before = await written();
    await signInAs(users.admin);
    const down = await actions.approve({ ok: null }, form({ id: celery }));
    expect(down).toMatchObject({ ok: false, message: expect.stringMatching(/could not be read: GET .*index\.yaml answered 503.*stays pending/) });

    charts.down = false;
    const refused = await actions.approve({ ok: null }, form({ id: celery }));
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/^Chart airflow 1\.22\.0 refuses these settings: /) });
    expect((refused as { message: string }).message).toContain(CELERY_REFUSAL);
    expect(await written()).toEqual(before);
    expect(await database.prisma.environment.findUniqueOrThrow({ where: { id: celery } })).toMatchObject({ status: "PENDING_APPROVAL", decidedById: null });
  });
});

describe("approveRequestAction and rejectRequestAction", () => {
  it("refuse requesters, even of the environment's own team", async () => {
    const id = await pendingEnvironmentId();
    for (const user of [users.ana, users.milo]) {
      await signInAs(user);
      expect(await actions.approve({ ok: null }, form({ id }))).toMatchObject({ ok: false, message: expect.stringMatching(/Only portal admins/) });
      expect(await actions.reject({ ok: null }, form({ id, reason: "no" }))).toMatchObject({ ok: false, message: expect.stringMatching(/Only portal admins/) });
    }
    await signInAs(null);
    expect(await actions.approve({ ok: null }, form({ id }))).toMatchObject({ ok: false, message: expect.stringMatching(/session has ended/) });
    expect(await database.prisma.environment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "PENDING_APPROVAL" });
  });

  it("let an admin approve, once", async () => {
    const id = await pendingEnvironmentId();
    await signInAs(users.admin);
    expect(await redirectTarget(actions.approve({ ok: null }, form({ id })))).toBe("/admin?approved=action-env");
    expect(await actions.approve({ ok: null }, form({ id }))).toMatchObject({ ok: false, message: expect.stringMatching(/already decided/) });
    expect(await database.prisma.operation.count({ where: { environmentId: id } })).toBe(1);
  });

  it("need a reason to reject, and a well-formed id", async () => {
    const id = await pendingEnvironmentId();
    await signInAs(users.admin);
    expect(await actions.reject({ ok: null }, form({ id, reason: "  " }))).toMatchObject({ ok: false, fieldErrors: { reason: expect.any(Array) } });
    expect(await actions.approve({ ok: null }, form({ id: "'; drop table environments; --" }))).toMatchObject({ ok: false });
    expect(await database.prisma.environment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "PENDING_APPROVAL" });
    expect(await redirectTarget(actions.reject({ ok: null }, form({ id, reason: "Use the shared one" })))).toBe("/admin?rejected=action-env");
  });
});

describe("teardownEnvironmentAction, retryEnvironmentAction and withdrawRequestAction", () => {
  const status = async (id: string) => (await database.prisma.environment.findUniqueOrThrow({ where: { id } })).status;

  it("tear down only for an admin who typed the name, then go back to the environment", async () => {
    const id = await pendingEnvironmentId();
    await database.prisma.environment.update({ where: { id }, data: { status: "READY" } });
    for (const user of [users.ana, users.milo]) {
      await signInAs(user);
      expect(await actions.teardown({ ok: null }, form({ id, confirmName: "action-env" }))).toMatchObject({ ok: false, message: expect.stringMatching(/Only portal admins/) });
    }
    await signInAs(users.admin);
    expect(await actions.teardown({ ok: null }, form({ id, confirmName: "" }))).toMatchObject({ ok: false, fieldErrors: { confirmName: expect.any(Array) } });
    expect(await actions.teardown({ ok: null }, form({ id, confirmName: "action" }))).toMatchObject({ ok: false, fieldErrors: { confirmName: ["Type action-env exactly to confirm."] } });
    expect(await status(id)).toBe("READY");
    expect(await redirectTarget(actions.teardown({ ok: null }, form({ id, confirmName: "action-env", reason: "Done" })))).toBe(`/environments/${id}?notice=teardown-requested`);
    expect(await redirectTarget(actions.teardown({ ok: null }, form({ id, confirmName: "action-env" })))).toBe(`/environments/${id}?notice=teardown-already-deleting`);
    expect(await database.prisma.operation.count({ where: { environmentId: id, kind: "TEARDOWN" } })).toBe(1);
  });

  it("retry only for an admin", async () => {
    const id = await pendingEnvironmentId();
    await database.prisma.environment.update({ where: { id }, data: { status: "FAILED" } });
    await database.prisma.operation.create({ data: { environmentId: id, kind: "PROVISION", status: "FAILED", error: "boom" } });
    await signInAs(users.ana);
    expect(await actions.retry({ ok: null }, form({ id }))).toMatchObject({ ok: false, message: expect.stringMatching(/Only portal admins/) });
    await signInAs(null);
    expect(await actions.retry({ ok: null }, form({ id }))).toMatchObject({ ok: false, message: expect.stringMatching(/session has ended/) });
    expect(await status(id)).toBe("FAILED");
    await signInAs(users.admin);
    expect(await redirectTarget(actions.retry({ ok: null }, form({ id })))).toBe(`/environments/${id}?notice=retried`);
    expect(await status(id)).toBe("PROVISIONING");
  });

  it("withdraw only for the request's team or an admin", async () => {
    const id = await pendingEnvironmentId();
    await signInAs(users.milo);
    expect(await actions.withdraw({ ok: null }, form({ id }))).toMatchObject({ ok: false, message: expect.stringMatching(/does not exist, or you cannot see it/) });
    expect(await actions.withdraw({ ok: null }, form({ id: "nope" }))).toMatchObject({ ok: false, fieldErrors: { id: expect.any(Array) } });
    expect(await status(id)).toBe("PENDING_APPROVAL");
    await signInAs(users.ana);
    expect(await redirectTarget(actions.withdraw({ ok: null }, form({ id })))).toBe(`/environments/${id}?notice=withdrawn`);
    expect(await status(id)).toBe("DELETED");
    expect(await actions.withdraw({ ok: null }, form({ id }))).toMatchObject({ ok: false, message: expect.stringMatching(/is deleted/) });
  });
});
