-- A change waiting for approval holds its environment like a queued or running operation: one
-- thing at a time per environment, so a second request is refused instead of piling up.
DROP INDEX "operations_one_active_key";
CREATE UNIQUE INDEX "operations_one_active_key" ON "operations"("environment_id") WHERE "status" IN ('PENDING_APPROVAL', 'QUEUED', 'RUNNING');
