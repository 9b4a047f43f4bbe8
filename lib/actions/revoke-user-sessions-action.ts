"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { revokeUserSessions } from "@/lib/auth/sessions";
import { db } from "@/lib/db/client";
import type { FormState } from "@/lib/errors";
import { runFormAction } from "./run-form-action";

const RevokeSchema = z.object({ userId: z.string().uuid("That user does not exist.") });

/** Admins only (checked by the domain function): ends every session of one user, everywhere. */
export async function revokeUserSessionsAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("revokeUserSessionsAction", RevokeSchema, formData, ["userId"], (user, input) =>
    revokeUserSessions(db(), user, input.userId),
  );
  if (!done.ok) return done;
  revalidatePath("/admin");
  redirect("/admin?signedOut=1");
}
