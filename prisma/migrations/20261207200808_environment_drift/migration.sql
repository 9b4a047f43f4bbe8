-- What differs between what was applied to an environment and what its cloud holds now, as the workers last found it.
-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "drift" JSONB;
