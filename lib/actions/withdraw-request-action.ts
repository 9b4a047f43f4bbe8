"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { db } from "@/lib/db/client";
import type { FormState } from "@/lib/errors";
import { withdrawRequest, WithdrawSchema } from "@/lib/environments/withdraw-request";
import { runFormAction } from "./run-form-action";

export async function withdrawRequestAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("withdrawRequestAction", WithdrawSchema, formData, ["id"], (user, input) => withdrawRequest(db(), user, input.id));
  if (!done.ok) return done;
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=withdrawn`);
}
