-- AlterTable
ALTER TABLE "operation_events" ADD COLUMN     "seq" BIGINT;

-- CreateIndex
CREATE UNIQUE INDEX "operation_events_seq_key" ON "operation_events"("seq");

-- CreateIndex
CREATE INDEX "operation_events_operation_id_seq_idx" ON "operation_events"("operation_id", "seq");

-- Events are numbered in commit order, one committing transaction at a time: every transaction
-- that writes events calls operation_events_number() as its last statement. It takes a
-- transaction-scoped advisory lock (held until the commit is done) and only then draws numbers,
-- so once a reader sees an event numbered N, every event numbered below N has committed too, and a
-- stream that resumes after N never skips one (ids, drawn at INSERT, commit out of order when
-- transactions overlap). Unnumbered rows are invisible to streams until numbered.
CREATE SEQUENCE "operation_events_seq_seq" AS BIGINT OWNED BY "operation_events"."seq";

UPDATE "operation_events" SET "seq" = "id";
SELECT setval('"operation_events_seq_seq"', COALESCE((SELECT MAX("id") FROM "operation_events"), 0) + 1, false);

-- What the numbering looks for: only the rows of transactions about to commit.
CREATE INDEX "operation_events_unnumbered_idx" ON "operation_events"("id") WHERE "seq" IS NULL;

CREATE FUNCTION "operation_events_number"() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  PERFORM pg_advisory_xact_lock(7305162489150271001);
  FOR r IN SELECT "id" FROM "operation_events" WHERE "seq" IS NULL ORDER BY "id" LOOP
    UPDATE "operation_events" SET "seq" = nextval('"operation_events_seq_seq"') WHERE "id" = r."id";
  END LOOP;
END;
$$;
