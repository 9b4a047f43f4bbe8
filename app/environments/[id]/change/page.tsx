import type { Metadata } from "next";
import Link from "next/link";
import { ChangeRequestForm } from "@/components/environments/change-forms";
import { WhatIfView } from "@/components/environments/what-if-view";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { Field, inputClass } from "@/components/ui/field";
import { z } from "zod";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { AIRFLOW_VERSIONS, EXECUTORS, EXECUTOR_DESCRIPTIONS, SIZES, SIZE_PRESETS } from "@/lib/environments/catalog";
import { makeChangePreviewSchema, previewChange } from "@/lib/environments/changes/change-request";
import { expiryBounds, isoDate } from "@/lib/environments/request-schema";
import { getEnvironment } from "@/lib/environments/queries";
import { loadForPage } from "@/lib/page-errors";
import { requireUser } from "@/lib/users/current-user";

export const metadata: Metadata = { title: "Change environment" };

const selectClass = "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm";

/**
 * Asking for a change: pick the executor, size, Airflow version, DAG source and expiry, see what the change does (computed on the
 * server by the code that applies it), then ask for it with a reason. The choice travels in the
 * address, so the what-if can be reloaded and shared.
 */
export default async function ChangePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ executor?: string; size?: string; airflowVersion?: string; dagRepoUrl?: string; dagBranch?: string; dagSubPath?: string; expiresOn?: string }>;
}) {
  const { id } = await params;
  const user = await requireUser(`/environments/${id}/change`);
  const env = await loadForPage(() => getEnvironment(db(), user, id));
  const query = await searchParams;
  const { catalog, release } = config();
  const chosen = makeChangePreviewSchema(catalog).safeParse({ ...query, id });
  // The choice was sent and does not hold: say why, field by field.
  const errors = query.executor !== undefined && !chosen.success ? (z.flattenError(chosen.error).fieldErrors as Record<string, string[] | undefined>) : {};
  const currentExpiry = env.expiresAt ? isoDate(env.expiresAt) : "";
  const text = (sent: string | undefined, current: string) => sent ?? current;
  // The versions on offer, and the one it runs (which may no longer be offered).
  const versions = AIRFLOW_VERSIONS.filter((v) => v.offered || v.version === env.airflowVersion).map((v) => v.version);
  const mayAsk = user.isAdmin || user.teamIds.includes(env.teamId);
  const whatIf = chosen.success && env.status === "READY" && mayAsk ? await loadForPage(() => previewChange(db(), user, chosen.data, release)) : null;

  return (
    <div className="max-w-4xl space-y-6">
      <p className="text-sm">
        <Link href={`/environments/${env.id}`} className="text-sky-800 underline">
          ← {env.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Change {env.name}</h1>
      {Object.keys(errors).length > 0 ? <Alert tone="error">Some of the choices cannot be made; see the fields below.</Alert> : null}
      <p className="text-sm text-slate-700">
        Airflow only upgrades: its database migrations go forward. From Airflow 2 before 2.11, go to 2.11 first, then to 3.
      </p>
      {!mayAsk ? <Alert tone="error">Only the environment&apos;s team can ask for a change.</Alert> : null}
      {env.status !== "READY" ? <Alert tone="error">{env.name} can only be changed while it is ready.</Alert> : null}
      <form method="get" className="flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-4">
        <Choice
          id="executor"
          label="Executor"
          current={env.executor}
          chosen={chosen.success ? chosen.data.executor : env.executor}
          options={EXECUTORS.map((e) => ({ value: e, label: EXECUTOR_DESCRIPTIONS[e].label }))}
        />
        <Choice id="size" label="Size" current={env.size} chosen={chosen.success ? chosen.data.size : env.size} options={SIZES.map((s) => ({ value: s, label: SIZE_PRESETS[s].label }))} />
        <Choice
          id="airflowVersion"
          label="Airflow version"
          current={env.airflowVersion}
          chosen={chosen.success ? (chosen.data.airflowVersion ?? env.airflowVersion) : env.airflowVersion}
          options={versions.map((v) => ({ value: v, label: v }))}
        />
        <fieldset className="grid w-full gap-3 sm:grid-cols-3">
          <legend className="mb-2 text-sm font-semibold">DAG source</legend>
          <Field id="dagRepoUrl" label="Git repository" optional hint="Empty: no DAG repository." errors={errors.dagRepoUrl}>
            {(control) => <input {...control} name="dagRepoUrl" type="url" defaultValue={text(query.dagRepoUrl, env.dagSource?.repoUrl ?? "")} className={inputClass} />}
          </Field>
          <Field id="dagBranch" label="Branch" optional errors={errors.dagBranch}>
            {(control) => <input {...control} name="dagBranch" defaultValue={text(query.dagBranch, env.dagSource?.branch ?? "")} className={inputClass} />}
          </Field>
          <Field id="dagSubPath" label="Folder" optional errors={errors.dagSubPath}>
            {(control) => <input {...control} name="dagSubPath" defaultValue={text(query.dagSubPath, env.dagSource?.subPath ?? "")} className={inputClass} />}
          </Field>
        </fieldset>
        <Field id="expiresOn" label="Expires on (UTC)" optional hint="Empty: it does not expire." errors={errors.expiresOn}>
          {(control) => <input {...control} name="expiresOn" type="date" min={expiryBounds().min} max={expiryBounds().max} defaultValue={text(query.expiresOn, currentExpiry)} className={inputClass} />}
        </Field>
        <Button type="submit" variant="secondary">
          Show what it does
        </Button>
      </form>
      {whatIf ? (
        <section aria-labelledby="what-if-heading" className="space-y-4">
          <h2 id="what-if-heading" className="text-lg font-semibold">What this change does</h2>
          <WhatIfView whatIf={whatIf} />
          {whatIf.refusals.length === 0 ? (
            <ChangeRequestForm id={env.id} target={whatIf.to} direct={user.isAdmin} />
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

/** A labelled select whose current value says so. */
function Choice({ id, label, current, chosen, options }: { id: string; label: string; current: string; chosen: string; options: { value: string; label: string }[] }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <select id={id} name={id} defaultValue={chosen} className={selectClass}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
            {o.value === current ? " (current)" : ""}
          </option>
        ))}
      </select>
    </div>
  );
}
