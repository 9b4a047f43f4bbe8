import { Alert } from "@/components/ui/alert";

/** What the last action on this page did, named in the URL by the action's redirect (a fixed set: nothing typed is echoed). */
const NOTICES: Record<string, (name: string) => string> = {
  "teardown-requested": (name) => `Teardown of ${name} is queued. Its progress shows below.`,
  "teardown-already-deleting": (name) => `${name} is already being torn down. Nothing new was started.`,
  "teardown-already-deleted": (name) => `${name} is already deleted. Nothing was changed.`,
  retried: () => "Retrying: the steps that did not finish run again; finished ones are kept.",
  withdrawn: (name) => `Request ${name} withdrawn.`,
  "change-requested": () => "Change asked for. An admin decides on it with the what-if below.",
  "change-applying": (name) => `The change to ${name} is being applied. Its progress shows below.`,
  "restore-applying": (name) => `${name}'s database is being restored to a new server. Its progress shows below.`,
  "change-approved": (name) => `Change approved: ${name} is being updated. Its progress shows below.`,
  "change-rejected": () => "Change rejected. Nothing was applied.",
  "change-withdrawn": () => "Change withdrawn. Nothing was applied.",
  "hibernation-scheduled": (name) => `Hibernation scheduled: ${name} stops and starts on time from now on.`,
  "hibernation-cleared": (name) => `Hibernation schedule removed: ${name} keeps its current state.`,
  "teardown-asked": () => "Teardown asked for. An admin decides on it.",
  "stop-requested": () => "Stop asked for. An admin decides on it.",
  "start-requested": () => "Start asked for. An admin decides on it.",
  "stop-applying": (name) => `${name} is being stopped. Its progress shows below.`,
  "start-applying": (name) => `${name} is being started. Its progress shows below.`,
};

export function EnvironmentNotice({ notice, name }: { notice: string | undefined; name: string }) {
  const message = notice && Object.hasOwn(NOTICES, notice) ? NOTICES[notice]!(name) : null;
  return message ? <Alert tone="success">{message}</Alert> : null;
}
