"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import {
  approveChange,
  ChangeDecisionSchema,
  ChangeRejectionSchema,
  makeChangeRequestSchema,
  rejectChange,
  PowerRequestSchema,
  requestChange,
  requestPowerChange,
  requestTeardown,
  TeardownRequestSchema,
  ChangeWithdrawalSchema,
  reapplyEnvironment,
  ReapplySchema,
  requestRestore,
  RestoreRequestSchema,
  withdrawChange,
} from "@/lib/environments/changes/change-request";
import { ClearHibernationSchema, ScheduleHibernationSchema, setHibernation } from "@/lib/environments/set-hibernation";
import type { FormState } from "@/lib/errors";
import { z } from "zod";
import { runFormAction } from "./run-form-action";

/** A team asks for a change to its environment (an admin's own change is applied at once). */
export async function requestChangeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const fields = ["id", "executor", "size", "airflowVersion", "dagRepoUrl", "dagBranch", "dagSubPath", "expiresOn", "reason"];
  const done = await runFormAction("requestChangeAction", makeChangeRequestSchema(config().catalog), formData, fields, (user, input) =>
    requestChange(db(), user, input, config().release),
  );
  if (!done.ok) return done;
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=${done.result.applied ? "change-applying" : "change-requested"}`);
}

/** A team asks to stop (hibernate) or start its environment (an admin's own request is applied at once). */
export async function requestPowerChangeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("requestPowerChangeAction", PowerRequestSchema, formData, ["id", "action", "reason"], (user, input) =>
    requestPowerChange(db(), user, input),
  );
  if (!done.ok) return done;
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=${done.result.applied ? `${done.input.action}-applying` : `${done.input.action}-requested`}`);
}

/** A team asks for its environment to be torn down; an admin decides. */
export async function requestTeardownAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("requestTeardownAction", TeardownRequestSchema, formData, ["id", "confirmName", "reason"], (user, input) => requestTeardown(db(), user, input));
  if (!done.ok) return done;
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=${done.result.applied ? "teardown-requested" : "teardown-asked"}`);
}

/** The team takes back its change before an admin decides. */
export async function withdrawChangeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("withdrawChangeAction", ChangeWithdrawalSchema, formData, ["id", "operationId"], (user, input) => withdrawChange(db(), user, input));
  if (!done.ok) return done;
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=change-withdrawn`);
}

/** An admin applies the approved state again after drift. */
export async function reapplyEnvironmentAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("reapplyEnvironmentAction", ReapplySchema, formData, ["id", "reason"], (user, input) => reapplyEnvironment(db(), user, input, config().release));
  if (!done.ok) return done;
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=change-applying`);
}

/** An admin restores a failed upgrade's database to a new server and applies the chart from before. */
export async function restoreEnvironmentAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("restoreEnvironmentAction", RestoreRequestSchema, formData, ["id", "reason"], (user, input) => requestRestore(db(), user, input));
  if (!done.ok) return done;
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=restore-applying`);
}

export async function approveChangeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("approveChangeAction", ChangeDecisionSchema, formData, ["id", "operationId", "reason"], (user, input) =>
    approveChange(db(), user, input),
  );
  if (!done.ok) return done;
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=${done.result.kind === "TEARDOWN" ? "teardown-requested" : "change-approved"}`);
}

export async function rejectChangeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const done = await runFormAction("rejectChangeAction", ChangeRejectionSchema, formData, ["id", "operationId", "reason"], (user, input) =>
    rejectChange(db(), user, input),
  );
  if (!done.ok) return done;
  revalidatePath("/admin");
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=change-rejected`);
}

/** A checkbox sends "on" when ticked and nothing otherwise. */
const ScheduleFormSchema = z.preprocess(
  (raw) => (raw && typeof raw === "object" ? { ...raw, weekends: (raw as { weekends?: unknown }).weekends === "on" } : raw),
  ScheduleHibernationSchema,
);

/** The team sets or removes its environment's hibernation schedule. */
export async function setHibernationAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const clearing = formData instanceof FormData && formData.get("clear") === "1";
  const done = clearing
    ? await runFormAction("setHibernationAction", ClearHibernationSchema, formData, ["id", "clear"], (user, input) => setHibernation(db(), user, input))
    : await runFormAction("setHibernationAction", ScheduleFormSchema, formData, ["id", "timeZone", "stopAt", "startAt", "weekends"], (user, input) =>
        setHibernation(db(), user, input),
      );
  if (!done.ok) return done;
  revalidatePath("/environments", "layout");
  redirect(`/environments/${done.input.id}?notice=${done.result.schedule ? "hibernation-scheduled" : "hibernation-cleared"}`);
}
