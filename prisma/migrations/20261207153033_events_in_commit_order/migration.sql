-- AlterTable
ALTER TABLE "operation_events" ADD COLUMN     "seq" BIGINT;

-- CreateIndex
CREATE UNIQUE INDEX "operation_events_seq_key" ON "operation_events"("seq");

-- CreateIndex
CREATE INDEX "operation_events_operation_id_seq_idx" ON "operation_events"("operation_id", "seq");

-- Events are numbered as their transaction commits, one committing transaction at a time: the
-- deferred trigger runs at COMMIT, takes a transaction-scoped advisory lock (held until the commit
-- is done) and only then draws numbers. So once a reader sees an event numbered N, every event
-- numbered below N has committed too, and a stream that resumes after N never skips one (ids, drawn
-- at INSERT, commit out of order when transactions overlap).
CREATE SEQUENCE "operation_events_seq_seq" AS BIGINT OWNED BY "operation_events"."seq";

UPDATE "operation_events" SET "seq" = "id";
SELECT setval('"operation_events_seq_seq"', COALESCE((SELECT MAX("id") FROM "operation_events"), 0) + 1, false);

CREATE FUNCTION "operation_events_number_at_commit"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7305162489150271001);
  UPDATE "operation_events" SET "seq" = nextval('"operation_events_seq_seq"') WHERE "id" = NEW."id" AND "seq" IS NULL;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER "operation_events_number_at_commit"
  AFTER INSERT ON "operation_events"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "operation_events_number_at_commit"();
