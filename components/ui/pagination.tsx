import Link from "next/link";

/**
 * Previous / next links for a paged list. `hrefFor` builds each page's URL, so the page lives in
 * the address bar with the list's other filters.
 */
export function Pagination({
  page,
  pageCount,
  total,
  pageSize,
  hrefFor,
  label,
}: {
  page: number;
  pageCount: number;
  total: number;
  pageSize: number;
  hrefFor: (page: number) => string;
  label: string;
}) {
  if (pageCount <= 1) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(page * pageSize, total);
  const linkClass = "rounded-md px-3 py-1 ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50";
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p className="text-slate-700">
        Showing {first}–{last} of {total}
      </p>
      <ul className="flex items-center gap-2">
        <li>
          {page > 1 ? (
            <Link href={hrefFor(page - 1)} rel="prev" className={linkClass}>
              Previous<span className="sr-only"> page</span>
            </Link>
          ) : null}
        </li>
        <li className="px-2 text-slate-700">
          Page {page} of {pageCount}
        </li>
        <li>
          {page < pageCount ? (
            <Link href={hrefFor(page + 1)} rel="next" className={linkClass}>
              Next<span className="sr-only"> page</span>
            </Link>
          ) : null}
        </li>
      </ul>
    </nav>
  );
}
