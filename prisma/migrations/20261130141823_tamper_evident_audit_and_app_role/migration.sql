-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "hash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "prev_hash" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "audit_chain_head" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "last_id" BIGINT NOT NULL DEFAULT 0,
    "last_hash" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("id")
);

-- What a row's hash covers, serialised the same way by the trigger and by verification.
CREATE FUNCTION "audit_event_canonical"(
    id bigint, environment_id uuid, actor_id uuid, action text, from_status text, to_status text,
    reason text, details jsonb, created_at timestamp
) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_array(id::text, environment_id, actor_id, action, from_status, to_status, reason, details,
        to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US'))::text
$$;

-- Chains every new row to the newest one. The head row's lock serialises concurrent inserts (in
-- READ COMMITTED a waiter re-reads the new head; in stricter isolation it fails rather than fork the
-- chain), and the id is drawn under that lock, so id order is chain order. SECURITY DEFINER: it runs
-- as the table owner, so the portal's role needs no right to the head and cannot move it.
CREATE FUNCTION "audit_events_chain"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    previous text;
BEGIN
    INSERT INTO public."audit_chain_head" ("id") VALUES (1) ON CONFLICT ("id") DO NOTHING;
    SELECT "last_hash" INTO previous FROM public."audit_chain_head" WHERE "id" = 1 FOR UPDATE;
    NEW."id" := nextval(pg_get_serial_sequence('public.audit_events', 'id'));
    NEW."prev_hash" := previous;
    NEW."hash" := encode(sha256(convert_to(previous || E'\n' || public."audit_event_canonical"(NEW."id", NEW."environment_id", NEW."actor_id", NEW."action",
        NEW."from_status"::text, NEW."to_status"::text, NEW."reason", NEW."details", NEW."created_at"), 'UTF8')), 'hex');
    UPDATE public."audit_chain_head" SET "last_id" = NEW."id", "last_hash" = NEW."hash" WHERE "id" = 1;
    RETURN NEW;
END;
$$;
CREATE TRIGGER "audit_events_chain" BEFORE INSERT ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_chain"();

-- Row triggers never see TRUNCATE (nor TRUNCATE environments CASCADE): a statement trigger refuses it.
CREATE FUNCTION "audit_events_no_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: TRUNCATE refused';
END;
$$;
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_no_truncate"();

-- Rows written before the chain existed join it, oldest first: the one update the trail ever gets.
ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_append_only";
DO $$
DECLARE
    r record;
    previous text := '';
    digest text;
BEGIN
    FOR r IN SELECT * FROM public."audit_events" ORDER BY "id" LOOP
        digest := encode(sha256(convert_to(previous || E'\n' || public."audit_event_canonical"(r."id", r."environment_id", r."actor_id", r."action",
            r."from_status"::text, r."to_status"::text, r."reason", r."details", r."created_at"), 'UTF8')), 'hex');
        UPDATE public."audit_events" SET "prev_hash" = previous, "hash" = digest WHERE "id" = r."id";
        previous := digest;
    END LOOP;
    INSERT INTO public."audit_chain_head" ("id", "last_id", "last_hash")
        VALUES (1, COALESCE((SELECT max("id") FROM public."audit_events"), 0), previous);
END;
$$;
ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_append_only";

-- The role the portal and its workers use (through a login role that is a member of it; see the
-- README's Security section). It owns nothing, so it cannot disable or drop triggers, replace their
-- functions or truncate; on the audit trail it may only read and append. Roles belong to the whole
-- server, so it may exist already (another database of the same portal).
-- An operator may create it beforehand, so the owner needs no CREATEROLE.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'airflow_portal_app') THEN
        CREATE ROLE "airflow_portal_app" NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- created at the same moment by a migration of another database on this server
END;
$$;
GRANT USAGE ON SCHEMA public TO "airflow_portal_app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "airflow_portal_app";
REVOKE UPDATE, DELETE ON "audit_events" FROM "airflow_portal_app";
REVOKE INSERT, UPDATE, DELETE ON "audit_chain_head" FROM "airflow_portal_app";
-- The migration history is the owner's (it is absent where Prisma's schema engine replays migrations).
DO $$
BEGIN
    IF to_regclass('public._prisma_migrations') IS NOT NULL THEN
        REVOKE ALL ON public."_prisma_migrations" FROM "airflow_portal_app";
    END IF;
END;
$$;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "airflow_portal_app";
-- Tables that later migrations create get the same rights, unless a migration says otherwise.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "airflow_portal_app";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "airflow_portal_app";
