-- DropIndex
DROP INDEX "environments_status_idx";

-- CreateIndex
CREATE INDEX "environments_created_at_id_idx" ON "environments"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "environments_status_created_at_id_idx" ON "environments"("status", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "environments_team_id_created_at_id_idx" ON "environments"("team_id", "created_at" DESC, "id" DESC);
