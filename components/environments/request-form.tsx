"use client";

import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { requestEnvironmentAction, type RequestFormState } from "@/lib/actions/request-environment-action";
import { chartVersionFor, EXECUTORS, EXECUTOR_DESCRIPTIONS, SIZES, type Catalog, type ExecutorName, type SizeName } from "@/lib/environments/catalog";
import { NAME_MAX } from "@/lib/environments/naming";
import { PURPOSE_MAX } from "@/lib/environments/request-limits";
import { CostEstimate } from "./cost-estimate";
import { SizeOption } from "./size-option";

export interface RequestFormProps {
  catalog: Catalog;
  teams: { slug: string; name: string }[];
  /** The date picker's bounds, from the server's clock so that the page renders the same on both sides. */
  expiry: { min: string; max: string };
}

const initialState: RequestFormState = { ok: null };

type Validation = typeof import("@/lib/environments/request-schema");
let validation: Promise<Validation> | undefined;

/**
 * The shared schema (and zod with it) loads once someone starts on the form, not with the page:
 * most visitors of the page never pay for it before they type.
 */
function loadValidation(): Promise<Validation> {
  validation ??= import("@/lib/environments/request-schema");
  validation.catch(() => (validation = undefined));
  return validation;
}

/** Focuses the topmost control with an error (for a radio group, its chosen option). */
function focusFirstInvalid(form: HTMLFormElement | null, fieldErrors: Record<string, unknown>) {
  if (!form) return;
  const controls = Array.from(form.elements).filter(
    (el): el is HTMLInputElement => "name" in el && Boolean(fieldErrors[(el as HTMLInputElement).name]),
  );
  const first = controls[0];
  if (!first) return;
  (controls.find((el) => el.name === first.name && el.checked) ?? first).focus();
}

export function RequestForm({ catalog, teams, expiry }: RequestFormProps) {
  const [state, formAction, pending] = useActionState(requestEnvironmentAction, initialState);
  const [clientErrors, setClientErrors] = useState<Record<string, string[]> | null>(null);
  const [size, setSize] = useState<SizeName>("small");
  const formRef = useRef<HTMLFormElement>(null);

  const serverErrors = state.ok === false ? (state.fieldErrors ?? {}) : {};
  const errors: Record<string, string[] | undefined> = clientErrors ?? serverErrors;
  const values = (state.ok === false ? state.values : {}) as Record<string, string | undefined>;
  // The executor decides which disks the release gets, so the estimate follows it: the one picked
  // since the last answer from the server, else the one the form was re-rendered with.
  const [picked, setPicked] = useState<{ after: RequestFormState; executor: ExecutorName } | null>(null);
  const sent = (EXECUTORS as readonly string[]).includes(values.executor ?? "") ? (values.executor as ExecutorName) : "KubernetesExecutor";
  const executor = picked?.after === state ? picked.executor : sent;
  const message = clientErrors ? "Check the highlighted fields." : state.ok === false ? state.message : null;

  // The form is re-rendered with what was typed after a refusal; keyboard and screen reader users
  // land on the first field the server refused rather than at the top of the page.
  useEffect(() => {
    if (state.ok === false && state.fieldErrors) focusFirstInvalid(formRef.current, state.fieldErrors);
  }, [state]);

  // The same schema the server applies; checking here only saves a round trip. Should it fail to
  // load, the server's check still stands.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const submit = () => startTransition(() => formAction(data));
    loadValidation().then(({ fieldErrorsOf, makeRequestSchema, requestFromFormData }) => {
      const result = makeRequestSchema(catalog).safeParse(requestFromFormData(data));
      if (result.success) {
        setClientErrors(null);
        submit();
        return;
      }
      const fieldErrors = fieldErrorsOf(result.error) as Record<string, string[]>;
      setClientErrors(fieldErrors);
      focusFirstInvalid(formRef.current, fieldErrors);
    }, submit);
  }

  return (
    <form
      ref={formRef}
      action={formAction}
      onSubmit={onSubmit}
      onFocus={() => void loadValidation()}
      noValidate
      className="space-y-6"
      key={state.ok === false ? JSON.stringify(values) : "new"}
    >
      {message ? <Alert tone="error">{message}</Alert> : null}

      <Field id="name" label="Name" errors={errors.name} hint={`3–${NAME_MAX} characters: lowercase letters, digits and hyphens. It names the Azure resources.`}>
        {(p) => <input {...p} name="name" required autoComplete="off" spellCheck={false} defaultValue={values.name} className={inputClass} />}
      </Field>

      <Field id="team" label="Team" errors={errors.team}>
        {(p) => (
          <select {...p} name="team" required defaultValue={values.team ?? teams[0]?.slug} className={inputClass}>
            {teams.map((t) => (
              <option key={t.slug} value={t.slug}>{t.name}</option>
            ))}
          </select>
        )}
      </Field>

      <Field id="purpose" label="Purpose" errors={errors.purpose} hint={`What the environment is for, up to ${PURPOSE_MAX} characters. The approver reads this.`}>
        {(p) => <textarea {...p} name="purpose" required rows={3} maxLength={PURPOSE_MAX + 100} defaultValue={values.purpose} className={inputClass} />}
      </Field>

      <div className="grid gap-6 sm:grid-cols-2">
        <Field id="region" label="Region" errors={errors.region}>
          {(p) => (
            <select {...p} name="region" defaultValue={values.region ?? catalog.regions[0]} className={inputClass}>
              {catalog.regions.map((r) => (
                <option key={r} value={r}>{r}</option>
              ))}
            </select>
          )}
        </Field>
        <Field id="airflowVersion" label="Airflow version" errors={errors.airflowVersion}>
          {(p) => (
            <select {...p} name="airflowVersion" defaultValue={values.airflowVersion ?? catalog.airflowVersions[0]} className={inputClass}>
              {catalog.airflowVersions.map((v) => (
                <option key={v} value={v}>
                  {v} (Helm chart {chartVersionFor(v)})
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <fieldset className="space-y-2" aria-describedby={errors.size ? "size-error" : undefined}>
        <legend className="text-sm font-medium">Size</legend>
        <div className="grid gap-3 sm:grid-cols-3">
          {SIZES.map((s) => (
            <SizeOption key={s} size={s} executor={executor} checked={size === s} onSelect={setSize} invalid={Boolean(errors.size)} />
          ))}
        </div>
        {errors.size ? <p id="size-error" className="text-sm text-red-700">{errors.size.join(" ")}</p> : null}
        <CostEstimate executor={executor} size={size} />
      </fieldset>

      <fieldset className="space-y-2" aria-describedby={errors.executor ? "executor-error" : undefined}>
        <legend className="text-sm font-medium">Executor</legend>
        {EXECUTORS.map((e) => (
          <label key={e} className="flex gap-3 rounded-md border border-slate-200 bg-white p-3 has-[:checked]:border-sky-600">
            <input
              type="radio"
              name="executor"
              value={e}
              defaultChecked={(values.executor ?? "KubernetesExecutor") === e}
              onChange={() => setPicked({ after: state, executor: e })}
              className="mt-1"
              aria-describedby={[errors.executor ? "executor-error" : "", `executor-${e}-hint`].join(" ").trim()}
            />
            <span>
              <span className="block text-sm font-medium">{EXECUTOR_DESCRIPTIONS[e].label}</span>
              <span id={`executor-${e}-hint`} className="block text-xs text-slate-600">{EXECUTOR_DESCRIPTIONS[e].description}</span>
            </span>
          </label>
        ))}
        {errors.executor ? <p id="executor-error" className="text-sm text-red-700">{errors.executor.join(" ")}</p> : null}
      </fieldset>

      <fieldset className="space-y-4 rounded-md border border-slate-200 p-4">
        <legend className="px-1 text-sm font-medium">DAG source (optional)</legend>
        <p className="text-xs text-slate-600">Airflow pulls DAGs from this git repository with git-sync. Leave empty to deploy DAGs another way.</p>
        <Field id="dagRepoUrl" label="Repository URL" optional errors={errors.dagRepoUrl} hint="An https:// URL, such as https://github.com/org/dags.git">
          {(p) => <input {...p} name="dagRepoUrl" type="url" inputMode="url" defaultValue={values.dagRepoUrl} className={inputClass} />}
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="dagBranch" label="Branch" optional errors={errors.dagBranch} hint="Defaults to main.">
            {(p) => <input {...p} name="dagBranch" defaultValue={values.dagBranch} className={inputClass} />}
          </Field>
          <Field id="dagSubPath" label="Folder in the repository" optional errors={errors.dagSubPath} hint="Such as dags.">
            {(p) => <input {...p} name="dagSubPath" defaultValue={values.dagSubPath} className={inputClass} />}
          </Field>
        </div>
      </fieldset>

      <Field id="expiresOn" label="Expiry date" optional errors={errors.expiresOn} hint="The environment is torn down on this date, after a warning. Leave empty to keep it.">
        {(p) => <input {...p} name="expiresOn" type="date" min={expiry.min} max={expiry.max} defaultValue={values.expiresOn} className={`${inputClass} sm:w-56`} />}
      </Field>

      <Button type="submit" disabled={pending} aria-disabled={pending}>
        {pending ? "Submitting…" : "Submit request"}
      </Button>
    </form>
  );
}
