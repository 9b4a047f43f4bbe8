import { describe, expect, it } from "vitest";
import type { ProgressEvent, ProgressSnapshot } from "@/lib/environments/progress-types";
import { foldEvent, formatDuration, rebase, stepDuration } from "./progress-fold";

const step = (key: string, label: string) => ({ key, label, status: "PENDING" as const, attempts: 0, startedAt: null, finishedAt: null, error: null });

const snapshot: ProgressSnapshot = {
  environment: { id: "env", status: "PROVISIONING", airflowUrl: null, health: null, healthCheckedAt: null },
  operation: {
    id: "op-1",
    kind: "PROVISION",
    status: "RUNNING",
    error: null,
    attempt: 1,
    createdAt: "2026-12-01T10:00:00.000Z",
    startedAt: "2026-12-01T10:00:01.000Z",
    finishedAt: null,
    steps: [step("resource-group", "Create the resource group"), step("cluster", "Create the AKS cluster")],
  },
  events: [],
  lastEventId: "10",
};

let next = 10;
const event = (fields: Partial<ProgressEvent>): ProgressEvent => ({
  id: String(++next),
  operationId: "op-1",
  stepKey: "resource-group",
  level: "status",
  message: "RUNNING",
  createdAt: "2026-12-01T10:00:02.000Z",
  ...fields,
});

describe("folding operation events into progress", () => {
  it("moves a step through running to done, with its times, and announces only the completion", () => {
    const running = foldEvent(snapshot, event({ message: "RUNNING" }));
    expect(running.snapshot.operation!.steps[0]).toMatchObject({ status: "RUNNING", startedAt: "2026-12-01T10:00:02.000Z" });
    expect(running.announcement).toBeUndefined();
    const log = foldEvent(running.snapshot, event({ level: "info", message: "PUT resource group" }));
    expect(log.announcement).toBeUndefined();
    expect(log.snapshot.events.map((e) => e.message)).toEqual(["RUNNING", "PUT resource group"]);
    const done = foldEvent(log.snapshot, event({ message: "SUCCEEDED", createdAt: "2026-12-01T10:00:14.000Z" }));
    expect(done.snapshot.operation!.steps[0]).toMatchObject({ status: "SUCCEEDED", finishedAt: "2026-12-01T10:00:14.000Z" });
    expect(done.announcement).toBe("Create the resource group: done.");
    expect(done.refetch).toBe(false);
  });

  it("ignores an event already seen, and asks for a reload on a failure or another operation", () => {
    const old = { ...event({ message: "FAILED" }), id: "9" };
    expect(foldEvent(snapshot, old)).toEqual({ snapshot, refetch: false });
    const failed = foldEvent(snapshot, event({ stepKey: "cluster", message: "FAILED" }));
    expect(failed).toMatchObject({ refetch: true, announcement: "Create the AKS cluster: failed." });
    expect(foldEvent(snapshot, event({ operationId: "op-2", stepKey: null, message: "QUEUED" })).refetch).toBe(true);
    const ended = foldEvent(snapshot, event({ stepKey: null, message: "SUCCEEDED" }));
    expect(ended).toMatchObject({ refetch: true, snapshot: { operation: { status: "SUCCEEDED" } } });
  });

  it("replays events a reloaded snapshot has not seen yet", () => {
    const folded = foldEvent(snapshot, event({ message: "RUNNING" })).snapshot;
    expect(rebase(snapshot, folded).operation!.steps[0]!.status).toBe("RUNNING");
    expect(rebase({ ...folded, lastEventId: "999" }, folded).lastEventId).toBe("999");
  });
});

describe("durations", () => {
  it("reads in seconds, minutes and hours, and runs on while a step runs", () => {
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration(184_000)).toBe("3 min 4 s");
    expect(formatDuration(3_720_000)).toBe("1 h 2 min");
    expect(stepDuration({ startedAt: "2026-12-01T10:00:00.000Z", finishedAt: null }, Date.parse("2026-12-01T10:00:30.000Z"))).toBe("30 s");
    expect(stepDuration({ startedAt: null, finishedAt: null }, 0)).toBeNull();
  });
});
