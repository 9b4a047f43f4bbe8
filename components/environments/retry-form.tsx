"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { retryEnvironmentAction } from "@/lib/actions/retry-environment-action";
import type { FormState } from "@/lib/errors";

const initial: FormState = { ok: null };

export function RetryForm({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(retryEnvironmentAction, initial);
  return (
    <form action={action} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h3 className="text-base font-semibold">Retry</h3>
      <p className="text-sm text-slate-700">Runs the failed steps again. Steps that finished are kept, so nothing is created twice.</p>
      <input type="hidden" name="id" value={id} />
      <Button type="submit" disabled={pending}>
        {pending ? "Retrying…" : <>Retry<span className="sr-only"> {name}</span></>}
      </Button>
      {state.ok === false && !pending ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}
