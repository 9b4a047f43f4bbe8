"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { db } from "@/lib/db/client";
import type { FormState } from "@/lib/errors";
import { retryEnvironment, RetrySchema } from "@/lib/environments/retry-operation";
import { runFormAction } from "./run-form-action";

export async function retryEnvironmentAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("retryEnvironmentAction", RetrySchema, formData, ["id"], (user, input) => retryEnvironment(db(), user, input.id));
  if (!done.ok) return done;
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=retried`);
}
