import { describe, expect, it } from "vitest";
import type { EnvironmentSummary } from "@/lib/environments/types";
import { toRow } from "./environments-table";
import { healthText } from "./health-status";

const now = new Date("2026-06-10T12:00:00Z");
const env = (over: Partial<EnvironmentSummary> = {}): EnvironmentSummary => ({
  id: "4a0c021d-45dc-4d02-85fb-39b6464b2427",
  name: "sales-etl",
  status: "READY",
  executor: "KubernetesExecutor",
  airflowVersion: "3.0.6",
  region: "westeurope",
  size: "small",
  team: { slug: "analytics", name: "Analytics" },
  requestedBy: { id: "u1", name: "Ana" },
  createdAt: new Date("2026-06-10T09:00:00Z"),
  expiresAt: null,
  airflowUrl: "https://sales-etl.airflow.example.test",
  health: "healthy",
  healthCheckedAt: null,
  ...over,
});

describe("a list row's words", () => {
  it("words a ready environment: badge, health, labels, age and its Airflow link", () => {
    expect(toRow(env(), now, false)).toEqual({
      id: "4a0c021d-45dc-4d02-85fb-39b6464b2427",
      name: "sales-etl",
      status: { label: "Ready", className: "badge badge-success" },
      health: { className: "text-emerald-800", icon: "✓ ", text: "Healthy" },
      team: "Analytics",
      executor: "Kubernetes executor",
      airflowVersion: "3.0.6",
      region: "westeurope",
      size: "Small",
      requestedBy: "Ana",
      createdAt: "2026-06-10T09:00:00.000Z",
      age: "3 h",
      expires: "—",
      expiryWarning: null,
      airflowUrl: "https://sales-etl.airflow.example.test",
      manage: undefined,
    });
  });

  it("shows no health before an environment is built, and no Airflow link unless it is ready", () => {
    const row = toRow(env({ status: "FAILED", health: null }), now, true);
    expect(row.health).toBeNull();
    expect(row.airflowUrl).toBeNull();
    expect(row.manage).toBe("Retry or tear down");
    expect(toRow(env({ status: "PENDING_APPROVAL", health: null }), now, true).manage).toBeNull();
  });

  it("warns of a coming expiry only while the environment lives", () => {
    const expiresAt = new Date("2026-06-11T20:00:00Z");
    expect(toRow(env({ expiresAt }), now, false).expiryWarning).toBe("Expires in 1 day — will be torn down");
    expect(toRow(env({ expiresAt, status: "DELETED" }), now, false).expiryWarning).toBeNull();
  });

  it("words every health: healthy, unhealthy with what, and not probed yet", () => {
    expect(healthText("unhealthy: scheduler")).toEqual({ className: "text-red-800", icon: "✕ ", text: "Unhealthy: scheduler" });
    expect(healthText(null)).toEqual({ className: "text-slate-600", icon: null, text: "Not checked yet" });
    expect(toRow(env({ health: null }), now, false).health).toEqual({ className: "text-slate-600", icon: null, text: "Not checked yet" });
  });
});
