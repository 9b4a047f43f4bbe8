-- An audit event's time is the database's, never the writer's: a supplied created_at (an event
-- dated 30 days back) is replaced by the transaction's time, in the column's precision, before the
-- row is hashed into the chain. The rest of the chain function is unchanged.
CREATE OR REPLACE FUNCTION "audit_events_chain"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
    previous text;
BEGIN
    INSERT INTO public."audit_chain_head" ("id") VALUES (1) ON CONFLICT ("id") DO NOTHING;
    SELECT "last_hash" INTO previous FROM public."audit_chain_head" WHERE "id" = 1 FOR UPDATE;
    NEW."id" := nextval(pg_get_serial_sequence('public.audit_events', 'id'));
    NEW."created_at" := now()::timestamp(3);
    NEW."prev_hash" := previous;
    NEW."hash" := encode(sha256(convert_to(previous || E'\n' || public."audit_event_canonical"(NEW."id", NEW."environment_id", NEW."actor_id", NEW."action",
        NEW."from_status"::text, NEW."to_status"::text, NEW."reason", NEW."details", NEW."created_at"), 'UTF8')), 'hex');
    UPDATE public."audit_chain_head" SET "last_id" = NEW."id", "last_hash" = NEW."hash" WHERE "id" = 1;
    RETURN NEW;
END;
$$;
