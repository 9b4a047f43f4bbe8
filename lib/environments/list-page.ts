import { withParams } from "@/lib/url";
import { cursorFromParams, type PageCursor } from "./paging";
import { isStatus, type StatusName } from "./status";

/** What a paged, filtered environment list reads from its address: `status`, `after` / `before`, and `page` (a label). */
export interface ListParams {
  status?: string;
  after?: string;
  before?: string;
  page?: string;
}

export function readListParams(params: ListParams): { status?: StatusName; cursor?: PageCursor } {
  return {
    status: params.status && isStatus(params.status) ? params.status : undefined,
    cursor: cursorFromParams(params.after, params.before),
  };
}

/**
 * The page number to show and the links to the neighbouring pages of a list at `path`. The number
 * comes from the address (a cursor does not know its position); the newest page is always 1.
 */
export function listNavigation(
  path: string,
  params: ListParams,
  listing: { next: string | null; previous: string | null; isFirst: boolean },
  extra: Record<string, string | undefined> = {},
): { page: number; previousHref: string | null; nextHref: string | null } {
  const { status } = readListParams(params);
  const page = listing.isFirst ? 1 : Math.max(2, Math.trunc(Number(params.page)) || 2);
  const base = { ...extra, status };
  return {
    page,
    nextHref: listing.next ? withParams(path, { ...base, page: page + 1, after: listing.next }) : null,
    previousHref: listing.previous
      ? page <= 2
        ? withParams(path, base)
        : withParams(path, { ...base, page: page - 1, before: listing.previous })
      : null,
  };
}
