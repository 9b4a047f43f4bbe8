import { SIZE_PRESETS, estimateMonthlyCost, postgresUserConnections, type ExecutorName, type SizeName } from "@/lib/environments/catalog";

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

export function SizeOption({
  size,
  executor,
  checked,
  invalid,
  onSelect,
}: {
  size: SizeName;
  executor: ExecutorName;
  checked: boolean;
  invalid: boolean;
  onSelect: (s: SizeName) => void;
}) {
  const p = SIZE_PRESETS[size];
  return (
    <label className="flex gap-3 rounded-md border border-slate-200 bg-white p-3 has-[:checked]:border-sky-600">
      <input
        type="radio"
        name="size"
        value={size}
        checked={checked}
        onChange={() => onSelect(size)}
        className="mt-1"
        aria-describedby={invalid ? "size-error" : undefined}
      />
      <span className="text-sm">
        <span className="block font-medium">{p.label}</span>
        <span className="block text-xs text-slate-600">
          {p.nodeMinCount}–{p.nodeMaxCount} × {p.nodeVmSize}; PostgreSQL {p.postgresSkuName}, {p.postgresStorageGiB} GiB,{" "}
          {postgresUserConnections(size)} connections
        </span>
        <span className="block text-xs text-slate-800">from {usd.format(estimateMonthlyCost({ executor, size, taskLogs: true }).totalUsd)}/month</span>
      </span>
    </label>
  );
}
