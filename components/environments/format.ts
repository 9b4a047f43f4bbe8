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

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Environments are warned about for this long before their expiry tears them down. */
export const EXPIRY_WARNING_MS = 3 * DAY;

/** "Expires in 2 days — will be torn down", within the last three days before expiry; otherwise null. */
export function expiryWarning(expiresAt: Date | null, now: Date = new Date()): string | null {
  if (!expiresAt) return null;
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0 || left > EXPIRY_WARNING_MS) return null;
  const days = Math.floor(left / DAY);
  const hours = Math.max(1, Math.ceil(left / HOUR));
  const when = days >= 1 ? `${days} ${days === 1 ? "day" : "days"}` : `${hours} ${hours === 1 ? "hour" : "hours"}`;
  return `Expires in ${when} — will be torn down`;
}
