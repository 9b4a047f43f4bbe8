"use client";

import { useActionState, useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { approveRequestAction } from "@/lib/actions/approve-request-action";
import { rejectRequestAction } from "@/lib/actions/reject-request-action";
import { OWN_REQUEST_MESSAGE } from "@/lib/environments/four-eyes";
import type { FormState } from "@/lib/errors";

const initial: FormState = { ok: null };

/**
 * Approve or reject one request. Rejecting needs a reason; approving takes an optional note. An
 * admin's own request cannot be approved by them: the button is disabled and says why (the
 * server refuses it too).
 */
export function DecisionForm({ id, name, ownRequest = false }: { id: string; name: string; ownRequest?: boolean }) {
  const [approveState, approve, approving] = useActionState(approveRequestAction, initial);
  const [rejectState, reject, rejecting] = useActionState(rejectRequestAction, initial);
  const reasonId = useId();
  const errorId = useId();
  const fourEyesId = useId();
  // Only the answer to the button pressed last is shown: an earlier refusal of the other one is stale.
  const [lastPressed, setLastPressed] = useState<"approve" | "reject" | null>(null);
  const pending = approving || rejecting;
  const last = lastPressed === "reject" ? rejectState : lastPressed === "approve" ? approveState : initial;
  const reasonError = last.ok === false ? last.fieldErrors?.reason : undefined;

  return (
    <form className="space-y-3">
      <input type="hidden" name="id" value={id} />
      <div className="space-y-1">
        <label htmlFor={reasonId} className="block text-sm font-medium">
          Reason <span className="font-normal text-slate-500">(required to reject)</span>
        </label>
        <textarea
          id={reasonId}
          name="reason"
          rows={2}
          className={inputClass}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={reasonError ? errorId : undefined}
        />
        {reasonError ? (
          <p id={errorId} className="text-sm text-red-700">
            {reasonError.join(" ")}
          </p>
        ) : null}
      </div>
      <div className="flex gap-3">
        <Button
          formAction={approve}
          disabled={pending || ownRequest}
          aria-describedby={ownRequest ? fourEyesId : undefined}
          onClick={() => setLastPressed("approve")}
        >
          Approve<span className="sr-only"> {name}</span>
        </Button>
        <Button formAction={reject} variant="danger" disabled={pending} onClick={() => setLastPressed("reject")}>
          Reject<span className="sr-only"> {name}</span>
        </Button>
      </div>
      {ownRequest ? (
        <p id={fourEyesId} className="text-sm text-slate-700">
          {OWN_REQUEST_MESSAGE}
        </p>
      ) : null}
      {last.ok === false && !pending ? <Alert tone="error">{last.message}</Alert> : null}
    </form>
  );
}
