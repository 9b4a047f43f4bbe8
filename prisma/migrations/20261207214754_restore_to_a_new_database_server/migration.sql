-- AlterEnum
ALTER TYPE "OperationKind" ADD VALUE 'RESTORE';

-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "database_server" TEXT;
