import type { OperationStatusName, ProgressEvent, ProgressSnapshot, StepProgress, StepStatusName } from "@/lib/environments/progress-types";

/**
 * Folds streamed operation events into the progress snapshot, the way the worker's rows would
 * read after them. Pure, so the browser's view can be tested without a browser.
 */
export interface FoldResult {
  snapshot: ProgressSnapshot;
  /** What a screen reader should hear: a step finishing or failing, never every log line. */
  announcement?: string;
  /** The event says more changed than events carry (an operation ended or began, a step's error): reload the snapshot. */
  refetch: boolean;
}

const STEP_STATUSES: readonly StepStatusName[] = ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "SKIPPED"];
const OPERATION_STATUSES: readonly OperationStatusName[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"];
/** The browser keeps this many events; older log lines are in the database, not lost. */
const KEEP_EVENTS = 1000;

export const isAfter = (id: string, cursor: string | null) => cursor === null || BigInt(id) > BigInt(cursor);

function foldStep(step: StepProgress, status: StepStatusName, at: string): StepProgress {
  switch (status) {
    case "PENDING":
      return { ...step, status, startedAt: null, finishedAt: null, error: null };
    case "RUNNING":
      return { ...step, status, startedAt: step.status === "RUNNING" && step.startedAt ? step.startedAt : at, finishedAt: null, error: null };
    default:
      return { ...step, status, finishedAt: at };
  }
}

export function foldEvent(current: ProgressSnapshot, event: ProgressEvent): FoldResult {
  if (!isAfter(event.id, current.lastEventId)) return { snapshot: current, refetch: false };
  const operation = current.operation;
  const base = { ...current, lastEventId: event.id };
  // An event of another operation means a new one started (a retry keeps its id; a teardown does not).
  if (!operation || event.operationId !== operation.id) return { snapshot: base, refetch: true };

  const events = [...current.events, event].slice(-KEEP_EVENTS);
  if (event.level !== "status") return { snapshot: { ...base, events }, refetch: false };

  if (event.stepKey === null) {
    const status = OPERATION_STATUSES.find((s) => s === event.message);
    if (!status) return { snapshot: { ...base, events }, refetch: false };
    const finished = status === "SUCCEEDED" || status === "FAILED" || status === "CANCELLED";
    const announcement = status === "SUCCEEDED" ? "All steps finished." : status === "FAILED" ? "The operation failed." : undefined;
    return {
      snapshot: { ...base, events, operation: { ...operation, status, finishedAt: finished ? event.createdAt : null } },
      announcement,
      refetch: true,
    };
  }

  const status = STEP_STATUSES.find((s) => s === event.message);
  const index = operation.steps.findIndex((s) => s.key === event.stepKey);
  if (!status || index < 0) return { snapshot: { ...base, events }, refetch: index < 0 && Boolean(status) };
  const before = operation.steps[index]!;
  const steps = operation.steps.map((s, i) => (i === index ? foldStep(s, status, event.createdAt) : s));
  const announcement =
    status === "SUCCEEDED" ? `${before.label}: done.` : status === "FAILED" ? `${before.label}: failed.` : undefined;
  return {
    snapshot: { ...base, events, operation: { ...operation, steps } },
    announcement,
    // The failure's message is in the step's row, not in the status event.
    refetch: status === "FAILED",
  };
}

/**
 * A reloaded snapshot may be older than events already folded in (they crossed on the wire):
 * replays those on top, so the view never steps back.
 */
export function rebase(fetched: ProgressSnapshot, current: ProgressSnapshot): ProgressSnapshot {
  let next = fetched;
  for (const event of current.events) {
    if (isAfter(event.id, next.lastEventId)) next = foldEvent(next, event).snapshot;
  }
  return next;
}

/** "12 s", "3 min 4 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long a step took, or has been running so far. */
export function stepDuration(step: Pick<StepProgress, "startedAt" | "finishedAt">, now: number): string | null {
  if (!step.startedAt) return null;
  const end = step.finishedAt ? Date.parse(step.finishedAt) : now;
  return formatDuration(end - Date.parse(step.startedAt));
}
