import Link from "next/link";

/**
 * Previous / next links for a list paged by cursor. The hrefs carry the cursor with the list's
 * other filters, so a page lives in the address bar; `page` only labels where the reader is.
 */
export function Pagination({
  page,
  itemCount,
  pageSize,
  total,
  totalIsLowerBound = false,
  previousHref,
  nextHref,
  label,
}: {
  page: number;
  itemCount: number;
  pageSize: number;
  total: number;
  /** More than `total` exist (the count stops at a limit). */
  totalIsLowerBound?: boolean;
  previousHref: string | null;
  nextHref: string | null;
  label: string;
}) {
  if (!previousHref && !nextHref) return null;
  const first = (page - 1) * pageSize + 1;
  const last = first + Math.max(0, itemCount - 1);
  const pageCount = totalIsLowerBound ? null : Math.max(page, Math.ceil(total / pageSize));
  const linkClass = "rounded-md px-3 py-1 ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50";
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p className="text-slate-700">
        Showing {first}–{last} of {total.toLocaleString("en-US")}
        {totalIsLowerBound ? "+" : ""}
      </p>
      <ul className="flex items-center gap-2">
        <li>
          {previousHref ? (
            <Link href={previousHref} rel="prev" className={linkClass}>
              Previous<span className="sr-only"> page</span>
            </Link>
          ) : null}
        </li>
        <li className="px-2 text-slate-700">
          Page {page}
          {pageCount ? ` of ${pageCount}` : ""}
        </li>
        <li>
          {nextHref ? (
            <Link href={nextHref} rel="next" className={linkClass}>
              Next<span className="sr-only"> page</span>
            </Link>
          ) : null}
        </li>
      </ul>
    </nav>
  );
}
