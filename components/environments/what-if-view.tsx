import { EXECUTOR_DESCRIPTIONS, SIZE_PRESETS } from "@/lib/environments/catalog";
import { describeDagSource, type WhatIf } from "@/lib/environments/changes/what-if";
import { DiffTable } from "./diff-table";

const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;

function ObjectList({ title, objects }: { title: string; objects: { kind: string; name: string }[] }) {
  if (objects.length === 0) return null;
  return (
    <div>
      <h4 className="font-medium">
        {title} ({objects.length})
      </h4>
      <ul className="list-inside list-disc">
        {objects.map((o) => (
          <li key={`${o.kind}/${o.name}`}>
            {o.kind} <code>{o.name}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * What a change does, as computed before it is decided and stored with it: the summary, what people
 * will notice, the Azure changes, the cost, the disks deleted, the objects and the Helm values.
 */
export function WhatIfView({ whatIf, headingLevel = 3 }: { whatIf: WhatIf; headingLevel?: 3 | 4 }) {
  const H = `h${headingLevel}` as "h3" | "h4";
  // Stopping or starting changes no value and no object: only power states, the bill and what people notice.
  const change = whatIf.action === "change";
  return (
    <div className="space-y-4 text-sm" data-testid="what-if">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        {change ? <SpecChange whatIf={whatIf} /> : null}
        <dt className="font-medium">Monthly cost</dt>
        <dd>
          {usd(whatIf.cost.beforeUsd)} → {usd(whatIf.cost.afterUsd)} (list prices, autoscaler at its minimum)
        </dd>
      </dl>
      {whatIf.refusals.length > 0 ? (
        <ul className="list-inside list-disc rounded-md border border-red-300 bg-red-50 px-4 py-2 text-red-900" role="alert">
          {whatIf.refusals.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      {whatIf.consequences.length > 0 ? (
        <div>
          <H className="font-semibold">What you will notice</H>
          <ul className="list-inside list-disc">
            {whatIf.consequences.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {whatIf.components.appear.length + whatIf.components.disappear.length > 0 ? (
        <div>
          <H className="font-semibold">Components</H>
          <ul className="list-inside list-disc">
            {whatIf.components.appear.map((c) => (
              <li key={`+${c}`}>Starts: {c}</li>
            ))}
            {whatIf.components.disappear.map((c) => (
              <li key={`-${c}`}>Goes away: {c}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {whatIf.disks.length > 0 ? (
        <div>
          <H className="font-semibold">Disks deleted with the change</H>
          <ul className="list-inside list-disc">
            {whatIf.disks.map((d) => (
              <li key={d}>
                PersistentVolumeClaim <code>{d}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div>
        <H className="font-semibold">Azure</H>
        {whatIf.azure.length === 0 ? (
          <p>No Azure resource changes.</p>
        ) : (
          <ul className="list-inside list-disc">
            {whatIf.azure.map((a) => (
              <li key={`${a.resource}/${a.property}`}>
                {a.resource}, {a.property.toLowerCase()}: {a.before} → {a.after}
                {a.note ? <span className="text-slate-600"> — {a.note}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </div>
      {change ? <ReleaseChanges whatIf={whatIf} heading={H} /> : null}
    </div>
  );
}

const fromTo = (from: string, to: string) => (from === to ? `${from} (unchanged)` : `${from} → ${to}`);

function SpecChange({ whatIf }: { whatIf: WhatIf }) {
  const executor = (e: WhatIf["from"]["executor"]) => EXECUTOR_DESCRIPTIONS[e].label;
  const size = (s: WhatIf["from"]["size"]) => SIZE_PRESETS[s].label;
  return (
    <>
      <dt className="font-medium">Executor</dt>
      <dd>
        {executor(whatIf.from.executor)}
        {whatIf.from.executor !== whatIf.to.executor ? <> → {executor(whatIf.to.executor)}</> : " (unchanged)"}
      </dd>
      <dt className="font-medium">Size</dt>
      <dd>
        {size(whatIf.from.size)}
        {whatIf.from.size !== whatIf.to.size ? <> → {size(whatIf.to.size)}</> : " (unchanged)"}
      </dd>
      <dt className="font-medium">Airflow</dt>
      <dd>
        {whatIf.from.airflowVersion}
        {whatIf.from.airflowVersion !== whatIf.to.airflowVersion ? <> → {whatIf.to.airflowVersion}</> : " (unchanged)"}
      </dd>
      {/* A change stored before the DAG source and expiry could change has neither. */}
      {whatIf.to.dagSource !== undefined ? (
        <>
          <dt className="font-medium">DAG source</dt>
          <dd className="break-all">{fromTo(describeDagSource(whatIf.from.dagSource ?? null), describeDagSource(whatIf.to.dagSource))}</dd>
        </>
      ) : null}
      {whatIf.to.expiresOn !== undefined ? (
        <>
          <dt className="font-medium">Expires</dt>
          <dd>{fromTo(whatIf.from.expiresOn ?? "never", whatIf.to.expiresOn ?? "never")}</dd>
        </>
      ) : null}
    </>
  );
}

/** The chart's side of a change: the objects it adds, removes and changes, and the values diff. */
function ReleaseChanges({ whatIf, heading: H }: { whatIf: WhatIf; heading: "h3" | "h4" }) {
  const { objects } = whatIf;
  return (
    <>
      <div className="space-y-2">
        <H className="font-semibold">Kubernetes objects (chart airflow {whatIf.chartVersion})</H>
        {objects.status === "listed" ? (
          objects.added.length + objects.removed.length + objects.changed.length === 0 ? (
            <p>No object changes.</p>
          ) : (
            <>
              <ObjectList title="Added" objects={objects.added} />
              <ObjectList title="Removed" objects={objects.removed} />
              <ObjectList title="Changed" objects={objects.changed} />
            </>
          )
        ) : (
          <p>{objects.message}</p>
        )}
      </div>
      <details>
        <summary className="cursor-pointer font-semibold">Helm values diff ({whatIf.values.length})</summary>
        <DiffTable
          headings={["Value", "Before", "After"]}
          rows={whatIf.values.map((v) => ({ what: v.path, before: v.before ?? "(not set)", after: v.after ?? "(removed)" }))}
          monoWhat
        />
      </details>
    </>
  );
}
