"use server";

import { isForm, NOT_A_FORM } from "./run-form-action";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { unreachableRefusal } from "@/lib/environments/reachability";
import { reachableOnly, requestReleaseCheck } from "@/lib/environments/release-check";
import { requestEnvironment } from "@/lib/environments/request-environment";
import { requestFromFormData } from "@/lib/environments/request-schema";
import { toActionFailure } from "@/lib/errors";
import { requireUserOrThrow } from "@/lib/users/current-user";

export type RequestFormState =
  | { ok: null }
  | { ok: false; message: string; fieldErrors?: Record<string, string[]>; values: Record<string, unknown> };

export async function requestEnvironmentAction(_prev: RequestFormState, formData: FormData): Promise<RequestFormState> {
  if (!isForm(formData)) return { ...NOT_A_FORM, values: {} };
  const input = requestFromFormData(formData);
  let id: string;
  try {
    const user = await requireUserOrThrow();
    const { catalog, requestsPerHour, release, platformNetwork } = config();
    const check = reachableOnly(unreachableRefusal(release, platformNetwork), requestReleaseCheck(release));
    ({ id } = await requestEnvironment(db(), user, input, catalog, new Date(), { perHour: requestsPerHour }, check));
  } catch (error) {
    return { ...toActionFailure(error, "requestEnvironmentAction"), values: input };
  }
  revalidatePath("/environments");
  revalidatePath("/admin");
  redirect(`/environments/${id}`);
}
