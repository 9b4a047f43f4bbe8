import { formatDateTime } from "./format";

/** The last probe's result in words, "Healthy", "Unhealthy: scheduler" or "Not checked yet", with its icon and colour. */
export function healthText(health: string | null): { className: string; icon: string | null; text: string } {
  if (!health) return { className: "text-slate-600", icon: null, text: "Not checked yet" };
  if (health === "healthy") return { className: "text-emerald-800", icon: "✓ ", text: "Healthy" };
  const detail = health.replace(/^unhealthy:?\s*/i, "");
  return { className: "text-red-800", icon: "✕ ", text: `Unhealthy${detail ? `: ${detail}` : ""}` };
}

/** The last health probe in words ("Healthy", "Unhealthy: scheduler") with when it ran; never colour alone. */
export function HealthStatus({ health, checkedAt }: { health: string | null; checkedAt: Date | null }) {
  const { className, icon, text } = healthText(health);
  if (!icon) return <span className={className}>{text}</span>;
  return (
    <span className={className}>
      <span aria-hidden="true">{icon}</span>
      {text}
      {checkedAt ? (
        <span className="text-slate-600">
          {" "}
          (checked <time dateTime={checkedAt.toISOString()}>{formatDateTime(checkedAt)}</time>)
        </span>
      ) : null}
    </span>
  );
}
