/**
 * Keyset paging for lists ordered newest first by (createdAt, id): a page is read from the index
 * starting at the row the cursor names, so a late page costs what the first one does (an offset
 * would make the database step over every earlier row). Pure, so the cursor rules are unit-tested.
 */
export interface RowKey {
  createdAt: Date;
  id: string;
}

/** Where a page starts: after a row (the next page) or before one (the previous page). */
export type PageCursor = { direction: "after" | "before"; key: RowKey };

/** Counts stop here: "1,000+" tells a person as much as 98,342 does, and costs a bounded scan. */
export const COUNT_LIMIT = 1000;

const CURSOR = /^(\d{1,15})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** `<epoch ms>_<uuid>`: short, URL-safe, and exact (timestamps are stored to the millisecond). */
export function encodeCursor(row: RowKey): string {
  return `${row.createdAt.getTime()}_${row.id}`;
}

/** The row key a cursor names, or null for anything the portal did not write. */
export function decodeCursor(value: string | null | undefined): RowKey | null {
  const match = value ? CURSOR.exec(value.trim()) : null;
  if (!match) return null;
  const createdAt = new Date(Number(match[1]));
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id: match[2]!.toLowerCase() };
}

/** The cursor from a page's `after` / `before` search parameters; `after` wins when both are given. */
export function cursorFromParams(after: string | undefined, before: string | undefined): PageCursor | undefined {
  const afterKey = decodeCursor(after);
  if (afterKey) return { direction: "after", key: afterKey };
  const beforeKey = decodeCursor(before);
  return beforeKey ? { direction: "before", key: beforeKey } : undefined;
}

/**
 * The Prisma `where` for rows past the cursor in newest-first order. The plain `createdAt` bound
 * is what lets PostgreSQL start its index scan at the cursor; the OR settles rows of the same
 * millisecond by id.
 */
export function keysetWhere(cursor: PageCursor) {
  const { createdAt, id } = cursor.key;
  return cursor.direction === "after"
    ? { createdAt: { lte: createdAt }, OR: [{ createdAt: { lt: createdAt } }, { id: { lt: id } }] }
    : { createdAt: { gte: createdAt }, OR: [{ createdAt: { gt: createdAt } }, { id: { gt: id } }] };
}

/**
 * Splits `pageSize + 1` rows read past a cursor into the page and whether more lie beyond it,
 * and gives the cursors of the neighbouring pages (null: there is none).
 * Rows read `before` a cursor arrive oldest first and are turned back to newest first.
 */
export function settlePage<T extends RowKey>(
  rows: T[],
  pageSize: number,
  cursor: PageCursor | undefined,
): { items: T[]; next: string | null; previous: string | null; isFirst: boolean } {
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (cursor?.direction === "before") page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const hasPrevious = cursor?.direction === "before" ? more : cursor !== undefined;
  const hasNext = cursor?.direction === "before" ? true : more;
  return {
    items: page,
    next: hasNext && last ? encodeCursor(last) : null,
    previous: hasPrevious && first ? encodeCursor(first) : null,
    isFirst: !hasPrevious,
  };
}
