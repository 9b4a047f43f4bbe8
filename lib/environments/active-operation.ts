import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";

/** Operations that hold an environment: at most one per environment (`operations_one_active_key`). */
export const ACTIVE_OPERATION_STATUSES = ["QUEUED", "RUNNING"] as const;

/**
 * Operations that ran or will run: not a change still waiting for a decision, nor one refused.
 * The progress panel follows the newest of these.
 */
export const RUN_OPERATIONS = { status: { notIn: ["PENDING_APPROVAL", "REJECTED"] } } as const satisfies Prisma.OperationWhereInput;

export const ANOTHER_OPERATION_MESSAGE =
  "Another operation is still running on this environment. Wait for it to finish, then try again.";

export const anotherOperationRunning = (cause?: unknown) =>
  new AppError("CONFLICT", ANOTHER_OPERATION_MESSAGE, { cause, logMessage: "an operation is already active on the environment" });

/** A unique violation is how the database says a second operation would be active at once. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * Runs a transaction that starts an operation; if the database refuses it because another one is
 * active (a race the explicit checks cannot close), the person is told so in plain words.
 */
export async function withActiveOperationGuard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error)) throw anotherOperationRunning(error);
    throw error;
  }
}
