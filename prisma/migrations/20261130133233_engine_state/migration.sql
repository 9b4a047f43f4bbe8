-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "deployed" JSONB,
ADD COLUMN     "health" TEXT,
ADD COLUMN     "health_checked_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "operation_steps" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "operations" ADD COLUMN     "heartbeat_at" TIMESTAMP(3),
ADD COLUMN     "worker_id" TEXT;

-- CreateIndex
CREATE INDEX "operations_status_heartbeat_at_idx" ON "operations"("status", "heartbeat_at");
