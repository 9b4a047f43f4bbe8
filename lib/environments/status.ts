/** How each lifecycle state reads on a page. Shared by server and client components. */
export const STATUSES = [
  "PENDING_APPROVAL",
  "APPROVED",
  "REJECTED",
  "PROVISIONING",
  "READY",
  "UPDATING",
  "STOPPED",
  "FAILED",
  "DELETING",
  "DELETED",
] as const;
export type StatusName = (typeof STATUSES)[number];

export type Tone = "neutral" | "info" | "success" | "warning" | "danger";

export const STATUS_DISPLAY: Record<StatusName, { label: string; tone: Tone }> = {
  PENDING_APPROVAL: { label: "Pending approval", tone: "warning" },
  APPROVED: { label: "Approved", tone: "info" },
  REJECTED: { label: "Rejected", tone: "neutral" },
  PROVISIONING: { label: "Provisioning", tone: "info" },
  READY: { label: "Ready", tone: "success" },
  UPDATING: { label: "Updating", tone: "info" },
  STOPPED: { label: "Stopped", tone: "neutral" },
  FAILED: { label: "Failed", tone: "danger" },
  DELETING: { label: "Deleting", tone: "warning" },
  DELETED: { label: "Deleted", tone: "neutral" },
};

export function isStatus(value: string): value is StatusName {
  return (STATUSES as readonly string[]).includes(value);
}
