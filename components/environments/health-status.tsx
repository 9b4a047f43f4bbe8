import { formatDateTime } from "./format";

/** The last health probe in words ("Healthy", "Unhealthy: scheduler") with when it ran; never colour alone. */
export function HealthStatus({ health, checkedAt }: { health: string | null; checkedAt: Date | null }) {
  if (!health) return <span className="text-slate-600">Not checked yet</span>;
  const healthy = health === "healthy";
  const detail = health.replace(/^unhealthy:?\s*/i, "");
  return (
    <span className={healthy ? "text-emerald-800" : "text-red-800"}>
      <span aria-hidden="true">{healthy ? "✓ " : "✕ "}</span>
      {healthy ? "Healthy" : `Unhealthy${detail ? `: ${detail}` : ""}`}
      {checkedAt ? (
        <span className="text-slate-600">
          {" "}
          (checked <time dateTime={checkedAt.toISOString()}>{formatDateTime(checkedAt)}</time>)
        </span>
      ) : null}
    </span>
  );
}
