import { DISK_STORAGE_CLASS, estimateMonthlyCost, SIZE_PRESETS, TASK_LOGS_USD_PER_100_GIB_MONTH, type ExecutorName, type SizeName } from "@/lib/environments/catalog";

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const cents = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * The cluster's disks the release creates, each kind with its count, size and monthly price; and
 * where task logs go (`taskLogs`: Blob Storage, as for every environment built since it came).
 */
export function DiskBreakdown({ executor, size, taskLogs }: { executor: ExecutorName; size: SizeName; taskLogs: boolean }) {
  const { disks, disksUsd } = estimateMonthlyCost({ executor, size, taskLogs });
  return (
    <div className="text-xs text-slate-600">
      {disks.length > 0 ? (
        <>
          <p>
            Disks {usd.format(disksUsd)} (Standard SSD, storage class <code>{DISK_STORAGE_CLASS}</code>):
          </p>
          <ul className="list-disc pl-5">
            {disks.map((d) => (
              <li key={d.component}>
                {d.label}: {d.count > 1 ? `${d.count} × ` : ""}
                {d.sizeGiB} GiB, {cents.format(d.monthlyUsd)}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>No disks.</p>
      )}
      {taskLogs ? (
        <p>Task logs are kept in Blob Storage, billed by what is stored: about {usd.format(TASK_LOGS_USD_PER_100_GIB_MONTH)} a month per 100 GiB, not counted above.</p>
      ) : null}
    </div>
  );
}

/** Announced politely when the size or executor changes, so a screen reader user hears the new estimate. */
export function CostEstimate({ executor, size }: { executor: ExecutorName; size: SizeName }) {
  // A new environment keeps its task logs in Blob Storage.
  const cost = estimateMonthlyCost({ executor, size, taskLogs: true });
  const p = SIZE_PRESETS[size];
  return (
    <div aria-live="polite" className="space-y-1 rounded-md bg-slate-100 px-4 py-3 text-sm">
      <p>
        Estimated cost: <strong>{usd.format(cost.totalUsd)} per month</strong>, up to {usd.format(cost.maxTotalUsd)} when the
        cluster scales to {p.nodeMaxCount} nodes.
      </p>
      <p className="text-xs text-slate-600">
        Nodes {usd.format(cost.nodesUsd)} · PostgreSQL {usd.format(cost.postgresUsd)} · PostgreSQL storage {usd.format(cost.storageUsd)} ·
        disks {usd.format(cost.disksUsd)}. List prices, an estimate; stopping an idle environment stops most of it.
      </p>
      <DiskBreakdown executor={executor} size={size} taskLogs />
    </div>
  );
}
