"use client";

import { useActionState, useEffect, useRef } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { setHibernationAction } from "@/lib/actions/change-environment-action";
import type { HibernationSchedule } from "@/lib/environments/hibernation-schedule";
import type { FormState } from "@/lib/errors";

const initial: FormState = { ok: null };

/** The team's hibernation schedule: set, changed or removed. The time zone defaults to the browser's. */
export function HibernationForm({ id, name, schedule }: { id: string; name: string; schedule: HibernationSchedule | null }) {
  const [state, action, pending] = useActionState(setHibernationAction, initial);
  const [cleared, clear, clearing] = useActionState(setHibernationAction, initial);
  const zone = useRef<HTMLInputElement>(null);
  // The browser knows the team's time zone; the server does not. Filled in once, after the first render.
  useEffect(() => {
    if (!schedule && zone.current && zone.current.value === "UTC") zone.current.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  }, [schedule]);
  const errors = state.ok === false ? state.fieldErrors : undefined;
  const failure = state.ok === false ? state : cleared.ok === false ? cleared : null;
  return (
    <div className="space-y-3">
      <form action={action} className="grid gap-3 sm:grid-cols-2">
        <input type="hidden" name="id" value={id} />
        <Field id="hibernation-zone" label="Time zone" errors={errors?.timeZone} hint="For example Europe/Amsterdam">
          {(control) => <input {...control} ref={zone} name="timeZone" defaultValue={schedule?.timeZone ?? "UTC"} required className={inputClass} />}
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field id="hibernation-stop" label="Stop at" errors={errors?.stopAt}>
            {(control) => <input {...control} type="time" name="stopAt" defaultValue={schedule?.stopAt ?? "19:00"} required className={inputClass} />}
          </Field>
          <Field id="hibernation-start" label="Start at" errors={errors?.startAt}>
            {(control) => <input {...control} type="time" name="startAt" defaultValue={schedule?.startAt ?? "07:00"} required className={inputClass} />}
          </Field>
        </div>
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" name="weekends" defaultChecked={schedule?.weekends ?? true} />
          Stopped all weekend too (from Friday&apos;s stop to Monday&apos;s start)
        </label>
        <div className="sm:col-span-2">
          <Button type="submit" disabled={pending || clearing}>
            {pending ? "Saving…" : schedule ? "Save schedule" : "Schedule hibernation"}
            <span className="sr-only"> for {name}</span>
          </Button>
        </div>
      </form>
      {schedule ? (
        <form action={clear}>
          <input type="hidden" name="id" value={id} />
          <input type="hidden" name="clear" value="1" />
          <Button type="submit" variant="secondary" disabled={pending || clearing}>
            {clearing ? "Removing…" : "Remove schedule"}
          </Button>
        </form>
      ) : null}
      {failure && !pending && !clearing ? <Alert tone="error">{failure.message}</Alert> : null}
    </div>
  );
}
