import { describe, expect, it } from "vitest";
import { HibernationScheduleSchema, hibernationSavings, localTime, monthlySaving, stoppedShare, wantedState, type HibernationSchedule } from "./hibernation-schedule";

const nights: HibernationSchedule = { timeZone: "Europe/Amsterdam", stopAt: "19:00", startAt: "07:00", weekends: true };

describe("hibernation schedules", () => {
  it("reads the local weekday and time in the team's time zone", () => {
    // Monday 2026-12-07 06:30 UTC is 07:30 in Amsterdam (CET) and 01:30 in New York.
    expect(localTime(new Date("2026-12-07T06:30:00Z"), "Europe/Amsterdam")).toEqual({ day: 0, minute: 7 * 60 + 30 });
    expect(localTime(new Date("2026-12-07T06:30:00Z"), "America/New_York")).toEqual({ day: 0, minute: 90 });
  });

  it("stops nightly over midnight and the whole weekend, in local time", () => {
    const at = (iso: string) => wantedState(nights, new Date(iso));
    expect(at("2026-12-08T12:00:00Z")).toBe("running"); // Tuesday 13:00 local
    expect(at("2026-12-08T18:30:00Z")).toBe("stopped"); // Tuesday 19:30 local
    expect(at("2026-12-09T05:30:00Z")).toBe("stopped"); // Wednesday 06:30 local
    expect(at("2026-12-09T06:30:00Z")).toBe("running"); // Wednesday 07:30 local
    expect(at("2026-12-11T18:30:00Z")).toBe("stopped"); // Friday 19:30 local
    expect(at("2026-12-12T12:00:00Z")).toBe("stopped"); // Saturday noon
    expect(at("2026-12-13T22:00:00Z")).toBe("stopped"); // Sunday 23:00
    expect(at("2026-12-14T06:30:00Z")).toBe("running"); // Monday 07:30 local
    expect(wantedState({ ...nights, weekends: false }, new Date("2026-12-12T12:00:00Z"))).toBe("running");
    // A daytime window (stop before start) stops only between the two.
    const lunch = { ...nights, stopAt: "12:00", startAt: "13:00", weekends: false };
    expect(wantedState(lunch, new Date("2026-12-08T11:30:00Z"))).toBe("stopped");
    expect(wantedState(lunch, new Date("2026-12-08T12:30:00Z"))).toBe("running");
  });

  it("counts the share of the week stopped, and what that saves", () => {
    // Five nights of 12 hours and the 48 hours of the weekend's days: 5 × 12 + 48 = 108 of 168 hours.
    expect(stoppedShare(nights)).toBeCloseTo(108 / 168, 5);
    // Without weekends, every night of the week: 7 × 12 of 168 hours.
    expect(stoppedShare({ ...nights, weekends: false })).toBeCloseTo(84 / 168, 5);
    const env = { executor: "KubernetesExecutor", size: "small" } as const;
    expect(monthlySaving(env, 1)).toBeGreaterThan(monthlySaving(env, stoppedShare(nights)));
    const savings = hibernationSavings([
      { ...env, status: "STOPPED", hibernation: null },
      { ...env, status: "READY", hibernation: { schedule: nights, lastWanted: "running" } },
      { ...env, status: "READY", hibernation: null },
    ]);
    expect(savings).toEqual({ stopped: 1, scheduled: 1, monthlyUsd: monthlySaving(env, 1) + monthlySaving(env, stoppedShare(nights)) });
  });

  it("refuses a time zone that does not exist and equal stop and start times", () => {
    expect(HibernationScheduleSchema.safeParse({ ...nights, timeZone: "Mars/Olympus" }).success).toBe(false);
    expect(HibernationScheduleSchema.safeParse({ ...nights, startAt: "19:00" }).success).toBe(false);
    expect(HibernationScheduleSchema.safeParse({ ...nights, stopAt: "25:00" }).success).toBe(false);
    expect(HibernationScheduleSchema.safeParse(nights).success).toBe(true);
  });
});
