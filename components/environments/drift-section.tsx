"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { reapplyEnvironmentAction } from "@/lib/actions/change-environment-action";
import type { Drift } from "@/lib/environments/drift-record";
import type { FormState } from "@/lib/errors";
import { DiffTable } from "./diff-table";
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
      <DiffTable
        caption="Differences from what was applied"
        headings={["What", "Applied", "Now"]}
        rows={drift.differences.map((d) => ({ what: d.what, before: d.expected, after: d.actual }))}
      />
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
