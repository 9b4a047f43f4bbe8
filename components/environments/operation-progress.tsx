"use client";

import { useEffect, useRef, useState } from "react";
import type { ProgressEvent, ProgressSnapshot, StepProgress, StepStatusName } from "@/lib/environments/progress-types";
import { stepDuration } from "./progress-fold";
import { useNow, useOperationProgress } from "./use-operation-progress";

const STEP_DISPLAY: Record<StepStatusName, { icon: string; text: string; className: string }> = {
  PENDING: { icon: "○", text: "Waiting", className: "text-slate-600" },
  RUNNING: { icon: "◔", text: "Running", className: "text-sky-800" },
  SUCCEEDED: { icon: "✓", text: "Done", className: "text-emerald-800" },
  FAILED: { icon: "✕", text: "Failed", className: "text-red-800" },
  SKIPPED: { icon: "–", text: "Skipped", className: "text-slate-600" },
};

const OPERATION_TEXT = { QUEUED: "waiting for a worker", RUNNING: "running", SUCCEEDED: "finished", FAILED: "failed", CANCELLED: "cancelled" };
const KIND_TEXT = { PROVISION: "Provisioning", UPDATE: "Change", STOP: "Stopping", START: "Starting", TEARDOWN: "Teardown", RESTORE: "Restore" };

/** The latest operation's steps, live: statuses, durations, log lines and what went wrong. */
export function OperationProgress({ initial }: { initial: ProgressSnapshot }) {
  const { snapshot, announcement, transport } = useOperationProgress(initial);
  const operation = snapshot.operation;
  const now = useNow(Boolean(operation?.steps.some((s) => s.status === "RUNNING")));
  if (!operation) return null;
  const logs = groupLogs(snapshot.events, operation.id);
  const general = logs.get(null) ?? [];

  return (
    <section aria-labelledby="progress-heading" className="space-y-3">
      <h2 id="progress-heading" className="text-lg font-semibold">
        {KIND_TEXT[operation.kind]} progress
      </h2>
      <p className="text-sm text-slate-700">
        {KIND_TEXT[operation.kind]} {OPERATION_TEXT[operation.status]}
        {operation.attempt > 1 ? ` (attempt ${operation.attempt})` : ""}.
      </p>
      {operation.status === "FAILED" && operation.error ? (
        <p className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
          <span className="font-semibold">What went wrong: </span>
          {operation.error}
        </p>
      ) : null}
      <ol aria-label={`Steps of the ${KIND_TEXT[operation.kind].toLowerCase()}`} className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {operation.steps.map((step) => (
          <StepItem key={step.key} step={step} logs={logs.get(step.key) ?? []} now={now} />
        ))}
      </ol>
      {general.length > 0 ? <LogLines title="Operation log" lines={general} /> : null}
      {transport === "polling" ? (
        <p className="text-xs text-slate-600">Live updates are unavailable here; this view checks again every few seconds.</p>
      ) : null}
      <div aria-live="polite" role="status" className="sr-only">
        {announcement}
      </div>
    </section>
  );
}

function StepItem({ step, logs, now }: { step: StepProgress; logs: ProgressEvent[]; now: number }) {
  const display = STEP_DISPLAY[step.status];
  const duration = stepDuration(step, now);
  return (
    <li className="space-y-1 px-4 py-3 text-sm" data-step={step.key}>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span aria-hidden="true" className={`w-4 text-center font-bold ${display.className}`}>
          {display.icon}
        </span>
        <span className="font-medium">{step.label}</span>
        <span className={`font-semibold ${display.className}`}>{display.text}</span>
        {duration ? (
          // The server's clock and the browser's differ by the time it took to load.
          <span className="text-slate-600" suppressHydrationWarning>
            {step.status === "RUNNING" ? `for ${duration}` : `in ${duration}`}
          </span>
        ) : null}
        {step.attempts > 1 ? <span className="text-slate-600">attempt {step.attempts}</span> : null}
      </div>
      {step.status === "FAILED" && step.error ? (
        <p className="ml-7 text-red-800">
          <span className="font-semibold">Failed: </span>
          {step.error}
        </p>
      ) : null}
      {logs.length > 0 ? <LogLines title={`Log of “${step.label}”`} lines={logs} /> : null}
    </li>
  );
}

/**
 * A step's log, folded. Its lines are drawn once it is opened: a long operation has hundreds, which
 * would otherwise be rendered into every view of the page (and its hydration) while nobody reads them.
 */
function LogLines({ title, lines }: { title: string; lines: ProgressEvent[] }) {
  const details = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
  // Opened before the page was interactive: the toggle event went unheard.
  useEffect(() => {
    if (details.current?.open) setOpen(true);
  }, []);
  return (
    <details ref={details} className="ml-7" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="cursor-pointer text-sky-800 underline-offset-2 hover:underline">
        {title} ({lines.length} {lines.length === 1 ? "line" : "lines"})
      </summary>
      {open ? (
        <pre tabIndex={0} className="mt-2 max-h-64 overflow-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">
          {lines.map((l) => (
            <span key={l.id} className="block">
              <time dateTime={l.createdAt}>{l.createdAt.slice(11, 19)}</time> {l.level === "info" ? "" : `${l.level.toUpperCase()} `}
              {l.message}
            </span>
          ))}
        </pre>
      ) : null}
    </details>
  );
}

/** Log lines (status changes are shown as statuses, not repeated as lines) by step. */
function groupLogs(events: readonly ProgressEvent[], operationId: string): Map<string | null, ProgressEvent[]> {
  const byStep = new Map<string | null, ProgressEvent[]>();
  for (const e of events) {
    if (e.operationId !== operationId || e.level === "status") continue;
    const lines = byStep.get(e.stepKey);
    if (lines) lines.push(e);
    else byStep.set(e.stepKey, [e]);
  }
  return byStep;
}
