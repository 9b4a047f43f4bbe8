-- Day-2 changes are asked for, then decided: a change waiting for an admin is an operation in
-- PENDING_APPROVAL (and REJECTED once refused), with the asker's reason, the what-if it was decided
-- on, and who decided, when and why. The one-active-operation index takes the new status in the
-- next migration: a value added to an enum cannot be used in the transaction that adds it.

ALTER TYPE "OperationStatus" ADD VALUE 'PENDING_APPROVAL';
ALTER TYPE "OperationStatus" ADD VALUE 'REJECTED';

-- AlterTable
ALTER TABLE "operations" ADD COLUMN     "decided_at" TIMESTAMP(3),
ADD COLUMN     "decided_by_id" UUID,
ADD COLUMN     "decision_reason" TEXT,
ADD COLUMN     "reason" TEXT,
ADD COLUMN     "what_if" JSONB;

-- AddForeignKey
ALTER TABLE "operations" ADD CONSTRAINT "operations_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
