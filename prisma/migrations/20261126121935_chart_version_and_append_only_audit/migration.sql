-- Environments keep the chart version they were requested with; rows from before this column get
-- the chart the catalog mapped their Airflow version to at the time.
ALTER TABLE "environments" ADD COLUMN "chart_version" TEXT;
UPDATE "environments" SET "chart_version" = CASE "airflow_version"
    WHEN '3.0.6' THEN '1.18.0'
    WHEN '2.10.5' THEN '1.16.0'
END;
DO $$
DECLARE unknown TEXT;
BEGIN
    SELECT string_agg(DISTINCT "airflow_version", ', ') INTO unknown FROM "environments" WHERE "chart_version" IS NULL;
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'No Helm chart version is known for Airflow % (this migration maps 3.0.6 and 2.10.5)', unknown;
    END IF;
END;
$$;
ALTER TABLE "environments" ALTER COLUMN "chart_version" SET NOT NULL;

-- The audit trail outlives what it names: an environment or user with audit events cannot be deleted.
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_actor_id_fkey";
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_environment_id_fkey";
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Append-only: the database itself refuses to update or delete an audit event row, whoever asks.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
