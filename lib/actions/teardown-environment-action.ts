"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { db } from "@/lib/db/client";
import type { FormState } from "@/lib/errors";
import { tearDownEnvironment, TeardownSchema } from "@/lib/environments/teardown-environment";
import { runFormAction } from "./run-form-action";

export async function teardownEnvironmentAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("teardownEnvironmentAction", TeardownSchema, formData, ["id", "confirmName", "reason"], (user, input) =>
    tearDownEnvironment(db(), user, input),
  );
  if (!done.ok) return done;
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=teardown-${done.result.outcome}`);
}
