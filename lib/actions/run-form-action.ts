import "server-only";
import { z } from "zod";
import { toActionFailure, type ActionFailure } from "@/lib/errors";
import { requireUserOrThrow } from "@/lib/users/current-user";
import type { CurrentUser } from "@/lib/users/resolve-user";

/**
 * What every form action repeats: read the named fields, parse them with the shared schema (field
 * errors for the form), find the signed-in user, and turn any refusal into the user's message.
 * The domain function it runs checks the role and the team itself. Redirecting is left to the
 * caller, after this returns: Next's redirect is a throw that must not be caught here.
 */
export async function runFormAction<S extends z.ZodType, R>(
  context: string,
  schema: S,
  formData: FormData,
  fields: readonly string[],
  run: (user: CurrentUser, input: z.infer<S>) => Promise<R>,
): Promise<{ ok: true; result: R; input: z.infer<S> } | ActionFailure> {
  const raw = Object.fromEntries(fields.map((f) => [f, formData.get(f) ?? undefined]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      message: parsed.error.issues[0]?.message ?? "Invalid request.",
      fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
    };
  }
  try {
    const user = await requireUserOrThrow();
    return { ok: true, result: await run(user, parsed.data), input: parsed.data };
  } catch (error) {
    return toActionFailure(error, context);
  }
}
