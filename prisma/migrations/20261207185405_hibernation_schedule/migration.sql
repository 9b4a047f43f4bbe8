-- A team's hibernation schedule per environment: when to stop and start it, in its time zone.
-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "hibernation" JSONB;
