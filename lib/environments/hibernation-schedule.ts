import { z } from "zod";
import { estimateMonthlyCost, stoppedMonthlyUsd, type DiskRequest, type ExecutorName, type SizeName } from "./catalog";

/**
 * A team's hibernation schedule: its environment stops at `stopAt` and starts at `startAt` every
 * day, in the team's time zone, and with `weekends` stays stopped from Friday's stop to Monday's
 * start. The worker acts when the state the schedule asks for changes (lib/provisioning/
 * hibernation.ts), so a start by hand in a stopped window holds until the next scheduled stop.
 */
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const HibernationScheduleSchema = z
  .object({
    timeZone: z.string().trim().min(1, "Choose a time zone.").refine(isTimeZone, "That is not a time zone (for example Europe/Amsterdam)."),
    stopAt: z.string().regex(TIME, "Give the stop time as HH:MM."),
    startAt: z.string().regex(TIME, "Give the start time as HH:MM."),
    weekends: z.boolean(),
  })
  .refine((s) => s.stopAt !== s.startAt, { message: "Stop and start times must differ.", path: ["startAt"] });
export type HibernationSchedule = z.infer<typeof HibernationScheduleSchema>;

/** As stored: the schedule, and the state it last asked for (null until the worker first acted on it). */
export const StoredHibernationSchema = z.object({ schedule: HibernationScheduleSchema, lastWanted: z.enum(["running", "stopped"]).nullable() });
export type StoredHibernation = z.infer<typeof StoredHibernationSchema>;

export function readHibernation(value: unknown): StoredHibernation | null {
  const parsed = StoredHibernationSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The weekday (0 = Monday) and minute of the day at `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { day: WEEKDAYS.indexOf(get("weekday")), minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

/** Whether the schedule has the environment stopped at a local weekday (0 = Monday) and minute. */
export function stoppedAt(schedule: HibernationSchedule, day: number, minute: number): boolean {
  const stop = minutesOf(schedule.stopAt);
  const start = minutesOf(schedule.startAt);
  if (schedule.weekends) {
    if (day === 5 || day === 6) return true;
    if (day === 4 && minute >= stop && stop > start) return true;
    if (day === 0 && minute < start && stop > start) return true;
  }
  // The nightly window: from the stop time to the start time, over midnight when stop is later.
  return stop > start ? minute >= stop || minute < start : minute >= stop && minute < start;
}

export function wantedState(schedule: HibernationSchedule, at: Date): "running" | "stopped" {
  const { day, minute } = localTime(at, schedule.timeZone);
  return stoppedAt(schedule, day, minute) ? "stopped" : "running";
}

/** The share of a week the schedule keeps the environment stopped, counted in quarter hours. */
export function stoppedShare(schedule: HibernationSchedule): number {
  let stopped = 0;
  for (let slot = 0; slot < 7 * 96; slot++) if (stoppedAt(schedule, Math.floor(slot / 96), (slot % 96) * 15)) stopped++;
  return stopped / (7 * 96);
}

/** What stopping saves a month at list prices: all of it when stopped, the schedule's share of it otherwise. */
export function monthlySaving(env: DiskRequest, share: number): number {
  return Math.round((estimateMonthlyCost(env).totalUsd - stoppedMonthlyUsd(env)) * share);
}

/** "Stopped daily 19:00–07:00 and all weekend (Europe/Amsterdam)". */
export function describeSchedule(s: HibernationSchedule): string {
  return `Stopped daily ${s.stopAt}–${s.startAt}${s.weekends ? " and all weekend" : ""} (${s.timeZone})`;
}

export interface HibernationSavings {
  /** Environments stopped now. */
  stopped: number;
  /** Environments with a schedule. */
  scheduled: number;
  /** About what stopping saves a month at list prices: each schedule's share, or all of it for one stopped without a schedule. */
  monthlyUsd: number;
}

/** The savings of a set of environments, from their executor, size, status and schedule. */
export function hibernationSavings(rows: readonly { executor: ExecutorName; size: SizeName; status: string; hibernation: unknown }[]): HibernationSavings {
  let monthlyUsd = 0;
  let stopped = 0;
  let scheduled = 0;
  for (const row of rows) {
    const schedule = readHibernation(row.hibernation)?.schedule;
    if (row.status === "STOPPED") stopped++;
    if (schedule) scheduled++;
    monthlyUsd += schedule ? monthlySaving(row, stoppedShare(schedule)) : row.status === "STOPPED" ? monthlySaving(row, 1) : 0;
  }
  return { stopped, scheduled, monthlyUsd };
}
