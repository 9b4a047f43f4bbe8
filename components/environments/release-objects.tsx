import { groupReleaseObjects, type ReleaseObject } from "@/lib/environments/release-objects";
import { releaseView, type ReleaseView } from "@/lib/environments/release-view";
import type { EnvironmentDetail } from "@/lib/environments/types";
import type { AirflowReleaseSettings } from "@/lib/helm/airflow-values";

function HookBadge({ hook }: { hook: NonNullable<ReleaseObject["hook"]> }) {
  return (
    <span className="ml-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">
      hook: {hook.events.join(", ")}, weight {hook.weight}
    </span>
  );
}

function plural(count: number, one: string, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

/** The objects by category, each as `Kind name`, hooks marked; headings carry the counts. */
export function ReleaseObjectList({ objects, idPrefix }: { objects: readonly ReleaseObject[]; idPrefix: string }) {
  const groups = groupReleaseObjects(objects);
  if (groups.length === 0) {
    return <p className="text-sm text-slate-700">The chart renders no objects for these values.</p>;
  }
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {groups.map((group) => {
        const headingId = `${idPrefix}-${group.category}`;
        return (
          <div key={group.category} className="rounded-lg border border-slate-200 bg-white px-4 py-3">
            <h3 id={headingId} className="text-sm font-semibold text-slate-800">
              {group.label} <span className="font-normal text-slate-600">({group.objects.length})</span>
            </h3>
            <ul aria-labelledby={headingId} className="mt-2 space-y-1 text-sm">
              {group.objects.map((o) => (
                <li key={`${o.kind}/${o.name}/${o.hook ? "hook" : ""}`} className="break-words">
                  <span className="font-medium text-slate-700">{o.kind}</span>{" "}
                  <span className="font-mono text-xs">{o.name}</span>
                  {o.hook ? (
                    <>
                      {" "}
                      <HookBadge hook={o.hook} />
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

function Summary({ view }: { view: Extract<ReleaseView, { objects: ReleaseObject[] }> }) {
  const hooks = view.objects.filter((o) => o.hook).length;
  const count = `${plural(view.objects.length - hooks, "object")}${hooks ? ` and ${plural(hooks, "hook")}` : ""}`;
  const chart = (
    <>
      chart <code>airflow</code> {view.chartVersion} (package sha256{" "}
      <code title={view.chartDigest}>{view.chartDigest.slice(0, 12)}…</code>)
    </>
  );
  return (
    <p className="text-sm text-slate-700">
      {view.kind === "applied" ? (
        <>As applied with {chart}: </>
      ) : (
        <>Rendered from the values that will be applied, with {chart}: </>
      )}
      {count}.
    </p>
  );
}

export function ReleaseObjects({ view }: { view: ReleaseView }) {
  if (view.kind === "refused") {
    return <p className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">{view.message}</p>;
  }
  if (view.kind === "unlisted") return <p className="text-sm text-slate-700">{view.message}</p>;
  return (
    <div className="space-y-3">
      <Summary view={view} />
      <ReleaseObjectList objects={view.objects} idPrefix="release-objects" />
    </div>
  );
}

/** Reads the stored list, or renders the chart on the server (cached); the page streams it in. */
export async function ReleaseObjectsSection(props: { env: EnvironmentDetail; settings: AirflowReleaseSettings }) {
  const { env, settings } = props;
  return <ReleaseObjects view={await releaseView(env, settings)} />;
}
