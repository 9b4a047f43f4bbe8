"use server";

import { isForm, NOT_A_FORM } from "./run-form-action";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { rejectRequest, RejectionSchema } from "@/lib/environments/decide-request";
import { toActionFailure, type FormState } from "@/lib/errors";
import { requireUserOrThrow } from "@/lib/users/current-user";

export async function rejectRequestAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isForm(formData)) return NOT_A_FORM;
  const parsed = RejectionSchema.safeParse({ id: formData.get("id"), reason: formData.get("reason") ?? undefined });
  if (!parsed.success) {
    return {
      ok: false,
      message: parsed.error.issues[0]?.message ?? "Invalid request.",
      fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
    };
  }
  let decided: { name: string };
  try {
    const user = await requireUserOrThrow();
    decided = await rejectRequest(db(), user, parsed.data.id, parsed.data.reason);
  } catch (error) {
    return toActionFailure(error, "rejectRequestAction");
  }
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  // The decided request leaves the queue, and its form with it: the page itself says what happened.
  redirect(`/admin?rejected=${encodeURIComponent(decided.name)}`);
}
