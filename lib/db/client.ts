import "server-only";
import { config } from "@/lib/config";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createPrismaClient } from "./create-client";

// Kept on globalThis rather than in a module variable: Next.js re-evaluates modules on every hot
// reload in development, and each evaluation would otherwise open another connection pool.
const holder = globalThis as typeof globalThis & { portalPrisma?: PrismaClient };

/** The portal's shared Prisma Client, created on first use from DATABASE_URL. */
export function db(): PrismaClient {
  holder.portalPrisma ??= createPrismaClient(config().databaseUrl);
  return holder.portalPrisma;
}
