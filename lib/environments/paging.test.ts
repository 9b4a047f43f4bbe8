import { describe, expect, it } from "vitest";
import { cursorFromParams, decodeCursor, encodeCursor, settlePage } from "./paging";

const ID = "0b6f1d2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
const row = (ms: number, id = ID) => ({ createdAt: new Date(ms), id });

describe("page cursors", () => {
  it("round-trip a row's key exactly, to the millisecond", () => {
    const key = row(1_764_000_000_123);
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it("refuse anything the portal did not write", () => {
    for (const value of ["", "abc", `x_${ID}`, "123_not-a-uuid", `1_${ID}_extra`, `${"9".repeat(16)}_${ID}`, undefined, null]) {
      expect(decodeCursor(value)).toBeNull();
    }
  });

  it("take `after` over `before`, and ignore a bad one", () => {
    const cursor = encodeCursor(row(5));
    expect(cursorFromParams(cursor, encodeCursor(row(9)))).toEqual({ direction: "after", key: row(5) });
    expect(cursorFromParams("junk", cursor)).toEqual({ direction: "before", key: row(5) });
    expect(cursorFromParams(undefined, undefined)).toBeUndefined();
  });
});

describe("settling a page", () => {
  const rows = [row(9, "a"), row(8, "b"), row(7, "c")];

  it("the first page has a next page when an extra row came back", () => {
    expect(settlePage(rows, 2, undefined)).toEqual({ items: rows.slice(0, 2), next: "8_b", previous: null, isFirst: true });
    expect(settlePage(rows.slice(0, 2), 2, undefined)).toMatchObject({ next: null, isFirst: true });
  });

  it("a page after a cursor always has a previous one", () => {
    expect(settlePage(rows.slice(0, 2), 2, { direction: "after", key: row(10) })).toEqual({ items: rows.slice(0, 2), next: null, previous: "9_a", isFirst: false });
  });

  it("a page before a cursor is turned back to newest first, and is the first when nothing lies before it", () => {
    const ascending = [row(7, "c"), row(8, "b"), row(9, "a")];
    expect(settlePage(ascending, 2, { direction: "before", key: row(6) })).toEqual({ items: [row(8, "b"), row(7, "c")], next: "7_c", previous: "8_b", isFirst: false });
    expect(settlePage(ascending.slice(0, 2), 2, { direction: "before", key: row(6) })).toMatchObject({ previous: null, isFirst: true });
  });
});
