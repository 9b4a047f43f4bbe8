"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { withdrawRequestAction } from "@/lib/actions/withdraw-request-action";
import type { FormState } from "@/lib/errors";

const initial: FormState = { ok: null };

export function WithdrawForm({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(withdrawRequestAction, initial);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Withdrawing…" : <>Withdraw request<span className="sr-only"> {name}</span></>}
      </Button>
      {state.ok === false && !pending ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}
