"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { reapplyEnvironmentAction } from "@/lib/actions/change-environment-action";
import type { Drift } from "@/lib/environments/drift-record";
import type { FormState } from "@/lib/errors";
import { formatDateTime } from "./format";

const initial: FormState = { ok: null };

/** What the workers found differing from what was applied, and an admin's way back to it. */
export function DriftSection({ id, drift, canReapply }: { id: string; drift: Drift; canReapply: boolean }) {
  const [state, action, pending] = useActionState(reapplyEnvironmentAction, initial);
  const checked = formatDateTime(new Date(drift.checkedAt));
  if (drift.differences.length === 0) {
    return <p className="text-sm text-slate-700">Matches what was applied (checked {checked}).</p>;
  }
  return (
    <div className="space-y-3 text-sm">
      <p role="status">
        {drift.differences.length} difference{drift.differences.length === 1 ? "" : "s"} from what was applied, found {checked}:
      </p>
      <table className="w-full table-fixed border-collapse text-xs">
        <caption className="sr-only">Differences from what was applied</caption>
        <thead>
          <tr className="text-left">
            <th scope="col" className="w-1/3 border-b p-1">What</th>
            <th scope="col" className="border-b p-1">Applied</th>
            <th scope="col" className="border-b p-1">Now</th>
          </tr>
        </thead>
        <tbody>
          {drift.differences.map((d) => (
            <tr key={d.what}>
              <th scope="row" className="break-all border-b p-1 text-left font-normal">{d.what}</th>
              <td className="break-all border-b p-1 font-mono">{d.expected}</td>
              <td className="break-all border-b p-1 font-mono">{d.actual}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canReapply ? (
        <form action={action} className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="id" value={id} />
          <Field id="reapply-reason" label="Why apply it again?">
            {(control) => <input {...control} name="reason" required maxLength={500} className={inputClass} />}
          </Field>
          <Button type="submit" disabled={pending}>
            {pending ? "Applying…" : "Re-apply the approved state"}
          </Button>
        </form>
      ) : null}
      {state.ok === false && !pending ? <Alert tone="error">{state.message}</Alert> : null}
    </div>
  );
}
