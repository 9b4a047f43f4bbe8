/**
 * What the detail page's live progress shows, as JSON: the snapshot endpoint returns it, the
 * server page renders the first one, and the browser folds streamed events into it. Dates are
 * ISO strings; event ids are strings because they are PostgreSQL bigints. No server imports here.
 */
import type { OperationKindName } from "@/lib/provisioning/plan";
import type { StatusName } from "./status";

export type OperationStatusName = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
export type StepStatusName = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "SKIPPED";

export interface ProgressEvent {
  id: string;
  operationId: string;
  stepKey: string | null;
  /** info / warn / error for log lines; "status" when `message` is a new status. */
  level: string;
  message: string;
  createdAt: string;
}

export interface StepProgress {
  key: string;
  label: string;
  status: StepStatusName;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface OperationProgress {
  id: string;
  kind: OperationKindName;
  status: OperationStatusName;
  error: string | null;
  attempt: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** In the plan's order; a step the worker has not reached yet is PENDING. */
  steps: StepProgress[];
}

export interface ProgressSnapshot {
  environment: { id: string; status: StatusName; airflowUrl: string | null; health: string | null; healthCheckedAt: string | null };
  operation: OperationProgress | null;
  /** The latest operation's last events, oldest first. */
  events: ProgressEvent[];
  /** The newest event of any of the environment's operations: a stream resumes after it. */
  lastEventId: string | null;
  /**
   * The page's first snapshot holds only the operation's latest events; the browser then reads the
   * whole snapshot once (a long operation's log is rarely read, and was most of the page's weight).
   */
  partial?: boolean;
}

/** Environment states in which work is under way, and pages showing them refresh by themselves. */
export const TRANSITIONAL_STATUSES: readonly StatusName[] = ["APPROVED", "PROVISIONING", "UPDATING", "DELETING"];

export const isTransitional = (status: StatusName) => TRANSITIONAL_STATUSES.includes(status);
