import { estimateMonthlyCost, SIZE_PRESETS, type SizeName } from "@/lib/environments/catalog";

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

/** Announced politely when the size changes, so a screen reader user hears the new estimate. */
export function CostEstimate({ size }: { size: SizeName }) {
  const cost = estimateMonthlyCost(size);
  const p = SIZE_PRESETS[size];
  return (
    <div aria-live="polite" className="rounded-md bg-slate-100 px-4 py-3 text-sm">
      <p>
        Estimated cost: <strong>{usd.format(cost.totalUsd)} per month</strong>, up to {usd.format(cost.maxTotalUsd)} when the
        cluster scales to {p.nodeMaxCount} nodes.
      </p>
      <p className="text-xs text-slate-600">
        Nodes {usd.format(cost.nodesUsd)} · PostgreSQL {usd.format(cost.postgresUsd)} · storage {usd.format(cost.storageUsd)}. List
        prices; stopping an idle environment stops most of it.
      </p>
    </div>
  );
}
