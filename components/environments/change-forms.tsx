"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import {
  approveChangeAction,
  rejectChangeAction,
  requestChangeAction,
  requestPowerChangeAction,
  requestTeardownAction,
  restoreEnvironmentAction,
  withdrawChangeAction,
} from "@/lib/actions/change-environment-action";
import type { ChangeTarget } from "@/lib/environments/changes/what-if";
import type { FormState } from "@/lib/errors";

const initial: FormState = { ok: null };

/** Asks for the change whose what-if is shown above it; an admin's applies at once. */
export function ChangeRequestForm({ id, target, direct }: { id: string; target: ChangeTarget; direct: boolean }) {
  const [state, action, pending] = useActionState(requestChangeAction, initial);
  const errors = state.ok === false ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="executor" value={target.executor} />
      <input type="hidden" name="size" value={target.size} />
      <input type="hidden" name="airflowVersion" value={target.airflowVersion} />
      {/* Sent empty, the DAG source or expiry is removed: exactly what the what-if above shows. */}
      <input type="hidden" name="dagRepoUrl" value={target.dagSource?.repoUrl ?? ""} />
      <input type="hidden" name="dagBranch" value={target.dagSource?.branch ?? ""} />
      <input type="hidden" name="dagSubPath" value={target.dagSource?.subPath ?? ""} />
      <input type="hidden" name="expiresOn" value={target.expiresOn ?? ""} />
      <Field id="change-reason" label="Why is this change needed?" errors={errors?.reason}>
        {(control) => <textarea {...control} name="reason" rows={2} required maxLength={500} className={inputClass} />}
      </Field>
      <p className="text-sm text-slate-700">
        {direct ? "As an admin, your change is applied at once; the history records it as yours." : "An admin approves or rejects it, seeing this what-if."}
      </p>
      <Button type="submit" disabled={pending}>
        {pending ? "Sending…" : direct ? "Apply this change" : "Ask for this change"}
      </Button>
      {state.ok === false && !pending ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}

/** An admin's decision on a change (a stop, a start, a teardown) waiting for one; `noun` names which. */
export function ChangeDecisionForm({ id, operationId, ownChange, noun = "change" }: { id: string; operationId: string; ownChange: boolean; noun?: string }) {
  const [approved, approve, approving] = useActionState(approveChangeAction, initial);
  const [rejected, reject, rejecting] = useActionState(rejectChangeAction, initial);
  const failure = rejected.ok === false ? rejected : approved.ok === false ? approved : null;
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h3 className="text-base font-semibold">Decide</h3>
      {ownChange ? <p className="text-sm text-slate-700">You asked for this {noun}, so another admin must approve it. You can still reject it.</p> : (
        <form action={approve} className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="id" value={id} />
          <input type="hidden" name="operationId" value={operationId} />
          <Field id="approve-change-reason" label="Note (optional)" optional>
            {(control) => <input {...control} name="reason" maxLength={500} className={inputClass} />}
          </Field>
          <Button type="submit" disabled={approving || rejecting}>
            {approving ? "Approving…" : `Approve ${noun}`}
          </Button>
        </form>
      )}
      <form action={reject} className="flex flex-wrap items-end gap-3">
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="operationId" value={operationId} />
        <Field id="reject-change-reason" label="Why reject it?" errors={rejected.ok === false ? rejected.fieldErrors?.reason : undefined}>
          {(control) => <input {...control} name="reason" required maxLength={500} className={inputClass} />}
        </Field>
        <Button type="submit" variant="secondary" disabled={approving || rejecting}>
          {rejecting ? "Rejecting…" : `Reject ${noun}`}
        </Button>
      </form>
      {failure && !approving && !rejecting ? <Alert tone="error">{failure.message}</Alert> : null}
    </div>
  );
}

/** Asks to stop (hibernate) or start the environment, below the what-if that says what it does. */
export function PowerRequestForm({ id, name, action, direct }: { id: string; name: string; action: "stop" | "start"; direct: boolean }) {
  const [state, formAction, pending] = useActionState(requestPowerChangeAction, initial);
  const verb = action === "stop" ? "Stop" : "Start";
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="action" value={action} />
      <Field id={`${action}-reason`} label={`Why ${action} ${name}?`} errors={state.ok === false ? state.fieldErrors?.reason : undefined}>
        {(control) => <input {...control} name="reason" required maxLength={500} className={inputClass} />}
      </Field>
      <Button type="submit" variant={action === "stop" ? "secondary" : "primary"} disabled={pending}>
        {pending ? "Sending…" : direct ? `${verb} now` : `Ask to ${action}`}
        <span className="sr-only"> {name}</span>
      </Button>
      {state.ok === false && !pending ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}

/** A team asks for its environment to be torn down: its name typed back, and why. */
export function TeardownRequestForm({ id, name }: { id: string; name: string }) {
  const [state, formAction, pending] = useActionState(requestTeardownAction, initial);
  const errors = state.ok === false ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="id" value={id} />
      <Field id="teardown-ask-name" label={`Type ${name} to confirm`} errors={errors?.confirmName}>
        {(control) => <input {...control} name="confirmName" required autoComplete="off" className={inputClass} />}
      </Field>
      <Field id="teardown-ask-reason" label="Why can it go?" errors={errors?.reason}>
        {(control) => <input {...control} name="reason" required maxLength={500} className={inputClass} />}
      </Field>
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Sending…" : <>Ask to tear down<span className="sr-only"> {name}</span></>}
      </Button>
      {state.ok === false && !pending ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}

/** The team takes back the change it asked for, before an admin decides. */
export function WithdrawChangeForm({ id, operationId }: { id: string; operationId: string }) {
  const [state, formAction, pending] = useActionState(withdrawChangeAction, initial);
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="operationId" value={operationId} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Withdrawing…" : "Withdraw this request"}
      </Button>
      {state.ok === false && !pending ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}

/** An admin restores the database from before a failed upgrade (to a new server) and applies the chart from before. */
export function RestoreForm({ id, name }: { id: string; name: string }) {
  const [state, formAction, pending] = useActionState(restoreEnvironmentAction, initial);
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="id" value={id} />
      <Field id="restore-reason" label={`Why restore ${name}?`} errors={state.ok === false ? state.fieldErrors?.reason : undefined}>
        {(control) => <input {...control} name="reason" required maxLength={500} className={inputClass} />}
      </Field>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Sending…" : <>Restore now<span className="sr-only"> {name}</span></>}
      </Button>
      {state.ok === false && !pending ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}
