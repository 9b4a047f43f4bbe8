"use client";

import { useActionState, useId } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { teardownEnvironmentAction } from "@/lib/actions/teardown-environment-action";
import type { FormState } from "@/lib/errors";

const initial: FormState = { ok: null };

/** Tear down, confirmed by typing the environment's name: the server checks the name again. */
export function TeardownForm({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(teardownEnvironmentAction, initial);
  const confirmId = useId();
  const reasonId = useId();
  const failed = state.ok === false && !pending ? state : null;
  return (
    <form action={action} className="space-y-3 rounded-lg border border-red-200 bg-white p-4">
      <h3 className="text-base font-semibold">Tear down</h3>
      <p className="text-sm text-slate-700">
        Deletes the resource group <span className="font-mono">rg-airflow-{name}</span> and everything in it: the cluster, the
        database and Airflow&apos;s metadata. This cannot be undone.
      </p>
      <input type="hidden" name="id" value={id} />
      <Field id={confirmId} label={`Type ${name} to confirm`} errors={failed?.fieldErrors?.confirmName}>
        {(control) => <input {...control} name="confirmName" autoComplete="off" spellCheck={false} className={inputClass} />}
      </Field>
      <Field id={reasonId} label="Reason" optional errors={failed?.fieldErrors?.reason}>
        {(control) => <textarea {...control} name="reason" rows={2} className={inputClass} />}
      </Field>
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Tearing down…" : <>Tear down<span className="sr-only"> {name}</span></>}
      </Button>
      {failed && !failed.fieldErrors?.confirmName ? <Alert tone="error">{failed.message}</Alert> : null}
    </form>
  );
}
