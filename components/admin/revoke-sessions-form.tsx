"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { revokeUserSessionsAction } from "@/lib/actions/revoke-user-sessions-action";
import type { FormState } from "@/lib/errors";

const initial: FormState = { ok: null };

export function RevokeSessionsForm({ userId, name }: { userId: string; name: string }) {
  const [state, action, pending] = useActionState(revokeUserSessionsAction, initial);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="userId" value={userId} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Signing out…" : <>Sign out everywhere<span className="sr-only"> ({name})</span></>}
      </Button>
      {state.ok === false && !pending ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}
