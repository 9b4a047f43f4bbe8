import { EXECUTOR_DESCRIPTIONS, SIZE_PRESETS, type ExecutorName, type SizeName } from "@/lib/environments/catalog";

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export const formatDate = (d: Date) => dateFormat.format(d);
export const formatDateTime = (d: Date) => `${dateTimeFormat.format(d)} UTC`;
export const executorLabel = (e: ExecutorName) => EXECUTOR_DESCRIPTIONS[e].label;
export const sizeLabel = (s: SizeName) => SIZE_PRESETS[s].label;

/** "3 days", "5 hours", "just now": how long ago, coarse on purpose. */
export function formatAge(from: Date, now: Date = new Date()): string {
  const minutes = Math.floor((now.getTime() - from.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}
