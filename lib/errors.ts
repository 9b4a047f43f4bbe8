/**
 * An error with two messages: `userMessage` is written for the person in front of the page;
 * `message` (and `cause`) are for the log. Anything else thrown is unexpected, and users see
 * only a generic message for it.
 */
export class AppError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "FORBIDDEN" | "UNAUTHENTICATED" | "CONFLICT" | "INVALID" | "RATE_LIMITED",
    readonly userMessage: string,
    options?: { cause?: unknown; logMessage?: string; fieldErrors?: Record<string, string[]> },
  ) {
    super(options?.logMessage ?? userMessage, { cause: options?.cause });
    this.name = "AppError";
    this.fieldErrors = options?.fieldErrors;
  }
  readonly fieldErrors?: Record<string, string[]>;
}

export const notFound = (what = "environment") =>
  new AppError("NOT_FOUND", `That ${what} does not exist, or you cannot see it.`);

export const forbidden = (userMessage: string) => new AppError("FORBIDDEN", userMessage);

export type ActionFailure = { ok: false; message: string; fieldErrors?: Record<string, string[]> };

/** Turns any error into what an action may return to the browser; logs what users must not see. */
export function toActionFailure(error: unknown, context: string): ActionFailure {
  if (error instanceof AppError) {
    return { ok: false, message: error.userMessage, fieldErrors: error.fieldErrors };
  }
  console.error(`[${context}]`, error);
  return { ok: false, message: "Something went wrong on our side. Nothing was changed; please try again." };
}

/** What a form's `useActionState` holds: nothing yet, or why the last submission was refused (success redirects). */
export type FormState = { ok: null } | ActionFailure;
