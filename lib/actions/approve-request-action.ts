"use server";

import { isForm, NOT_A_FORM } from "./run-form-action";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { redirect } from "next/navigation";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { approveRequest, DecisionSchema } from "@/lib/environments/decide-request";
import { unreachableRefusal } from "@/lib/environments/reachability";
import { approvalReleaseCheck, reachableOnly } from "@/lib/environments/release-check";
import { toActionFailure, type FormState } from "@/lib/errors";
import { requireUserOrThrow } from "@/lib/users/current-user";

export async function approveRequestAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isForm(formData)) return NOT_A_FORM;
  const parsed = DecisionSchema.safeParse({ id: formData.get("id"), reason: formData.get("reason") ?? undefined });
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
    const { release, platformNetwork } = config();
    const check = reachableOnly(unreachableRefusal(release, platformNetwork), approvalReleaseCheck(release));
    decided = await approveRequest(db(), user, parsed.data.id, parsed.data.reason, check);
  } catch (error) {
    return toActionFailure(error, "approveRequestAction");
  }
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  // The decided request leaves the queue, and its form with it: the page itself says what happened.
  redirect(`/admin?approved=${encodeURIComponent(decided.name)}`);
}
