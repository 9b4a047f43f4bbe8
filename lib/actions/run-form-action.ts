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
/**
 * What an action answers when its argument is not a form: only a forged request sends that (the
 * proxy refuses such bodies with 400 first; this is the action's own check). Nothing is changed.
 */
export const NOT_A_FORM: ActionFailure = { ok: false, message: "This request could not be read. Reload the page and try again." };

export function isForm(value: unknown): value is FormData {
  return value instanceof FormData;
}

export async function runFormAction<S extends z.ZodType, R>(
  context: string,
  schema: S,
  formData: FormData,
  fields: readonly string[],
  run: (user: CurrentUser, input: z.infer<S>) => Promise<R>,
): Promise<{ ok: true; result: R; input: z.infer<S> } | ActionFailure> {
  if (!isForm(formData)) return NOT_A_FORM;
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
