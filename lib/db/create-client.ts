import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type PoolOptions = {
  /** Most connections the pool opens at once (node-postgres defaults to 10); more callers wait for one. */
  max?: number;
};

/**
 * A Prisma Client on its own connection pool. The portal uses the shared one from `db()`;
 * scripts, workers and tests build theirs here, where nothing pulls in Next.js's server-only
 * guard, and disconnect it when done.
 */
export function createPrismaClient(connectionString: string, pool: PoolOptions = {}): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, ...pool }) });
}
