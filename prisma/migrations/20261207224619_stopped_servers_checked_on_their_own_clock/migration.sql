-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "power_checked_at" TIMESTAMP(3);
