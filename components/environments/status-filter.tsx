import Link from "next/link";
import { STATUS_DISPLAY, type StatusName } from "@/lib/environments/status";

const FILTERS: (StatusName | undefined)[] = [undefined, "PENDING_APPROVAL", "APPROVED", "PROVISIONING", "READY", "STOPPED", "FAILED", "REJECTED", "DELETED"];

/** Status filters as links, so a filtered view has its own URL to share or bookmark. */
export function StatusFilter({ current, path }: { current?: StatusName; /** The list's own page. */ path: string }) {
  return (
    <nav aria-label="Filter by status">
      <ul className="flex flex-wrap gap-2 text-sm">
        {FILTERS.map((status) => {
          const active = status === current;
          return (
            <li key={status ?? "all"}>
              <Link
                href={status ? `${path}?status=${status}` : path}
                aria-current={active ? "page" : undefined}
                className={`rounded-full px-3 py-1 ring-1 ring-inset ${active ? "bg-sky-700 text-white ring-sky-700" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"}`}
              >
                {status ? STATUS_DISPLAY[status].label : "Active"}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
