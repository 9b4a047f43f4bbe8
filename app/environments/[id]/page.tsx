import type { Metadata } from "next";
import { Suspense } from "react";
import { AirflowAccess } from "@/components/environments/airflow-access";
import { AutoRefresh } from "@/components/environments/auto-refresh";
import { ChangeDecisionForm, PowerRequestForm, RestoreForm, TeardownRequestForm, WithdrawChangeForm } from "@/components/environments/change-forms";
import { DeployedResources, reachabilityText } from "@/components/environments/deployed-resources";
import { DriftSection } from "@/components/environments/drift-section";
import { EnvironmentNotice } from "@/components/environments/environment-notice";
import { EnvironmentSpec } from "@/components/environments/environment-spec";
import { HealthStatus } from "@/components/environments/health-status";
import { HelmValues } from "@/components/environments/helm-values";
import { HibernationForm } from "@/components/environments/hibernation-form";
import { HistoryList } from "@/components/environments/history-list";
import { OperationProgress } from "@/components/environments/operation-progress";
import { ReleaseObjectsSection } from "@/components/environments/release-objects";
import { RetryForm } from "@/components/environments/retry-form";
import { StatusBadge } from "@/components/environments/status-badge";
import { TeardownForm } from "@/components/environments/teardown-form";
import { WhatIfDetails } from "@/components/environments/what-if-details";
import { WhatIfView } from "@/components/environments/what-if-view";
import { WithdrawForm } from "@/components/environments/withdraw-form";
import Link from "next/link";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { getProgress } from "@/lib/environments/progress";
import { taskLogsInBlob } from "@/lib/provisioning/deployed";
import { pendingChangeOf } from "@/lib/environments/changes/queries";
import { restoreOption } from "@/lib/environments/changes/restore";
import { powerWhatIf, teardownWhatIf } from "@/lib/environments/changes/release-unchanged-what-if";
import { describeSchedule, monthlySaving, stoppedShare } from "@/lib/environments/hibernation-schedule";
import { getEnvironment } from "@/lib/environments/queries";
import { hasReleaseView } from "@/lib/environments/release-view";
import type { StatusName } from "@/lib/environments/status";
import { environmentHelmValues } from "@/lib/helm/airflow-values";
import { loadForPage } from "@/lib/page-errors";
import { requireUser } from "@/lib/users/current-user";

export const metadata: Metadata = { title: "Environment" };

/**
 * The live progress starts from the operation's last events only; the browser reads the rest of the
 * log once the page is interactive. Two hundred log lines were most of this page's weight.
 */
const PAGE_PROGRESS_EVENTS = 30;

/** Where an admin may start a teardown (from APPROVED or PROVISIONING only once nothing runs). */
const TEARDOWN_FROM: readonly StatusName[] = ["READY", "FAILED", "STOPPED", "APPROVED", "PROVISIONING"];

export default async function EnvironmentPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ notice?: string }>;
}) {
  const { id } = await params;
  const user = await requireUser(`/environments/${id}`);
  const env = await loadForPage(() => getEnvironment(db(), user, id));
  // Independent reads, side by side: the live progress and the change waiting for a decision.
  const [progress, pendingChange] = await Promise.all([
    env.latestOperation ? loadForPage(() => getProgress(db(), user, id, env, { events: PAGE_PROGRESS_EVENTS })) : null,
    env.status === "READY" || env.status === "STOPPED" || env.status === "FAILED" ? pendingChangeOf(db(), env.id) : null,
  ]);
  const { notice } = await searchParams;
  const ownTeam = user.isAdmin || user.teamIds.includes(env.teamId);
  const canAskForChange = env.status === "READY" && !pendingChange && ownTeam;
  const power = !pendingChange && ownTeam ? (env.status === "READY" ? "stop" : env.status === "STOPPED" ? "start" : null) : null;
  // Admins tear down directly (Manage); the team asks, and an admin decides.
  const canAskTeardown = !pendingChange && !user.isAdmin && ownTeam && ["READY", "STOPPED", "FAILED"].includes(env.status);
  const pendingWhat = { change: "Change", stop: "Stop", start: "Start", teardown: "Teardown", restore: "Restore" }[pendingChange?.whatIf?.action ?? "change"];

  const operationActive = env.latestOperation?.status === "QUEUED" || env.latestOperation?.status === "RUNNING";
  const canRetry = user.isAdmin && env.status === "FAILED" && env.latestOperation?.status === "FAILED";
  const restore = canRetry && !pendingChange ? await restoreOption(db(), env.id) : null;
  const canTearDown = user.isAdmin && TEARDOWN_FROM.includes(env.status);
  // The settings the worker applies with, so what the page plans is what will be applied.
  const { release } = config();

  return (
    <div className="max-w-4xl space-y-8">
      <div className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold">{env.name}</h1>
          <StatusBadge status={env.status} />
          {env.airflowUrl && env.status === "READY" ? (
            <a href={env.airflowUrl} target="_blank" rel="noreferrer" className="text-sm font-medium text-sky-800 underline">
              Open Airflow<span className="sr-only"> (opens in a new tab)</span>
            </a>
          ) : null}
          {env.airflowUrl && env.status === "READY" && env.deployed ? (
            <span className="text-sm text-slate-600">{reachabilityText(env.deployed)}</span>
          ) : null}
        </div>
        {env.status === "READY" || env.health ? (
          <p className="text-sm">
            <span className="font-medium">Health: </span>
            <HealthStatus health={env.health} checkedAt={env.healthCheckedAt} />
          </p>
        ) : null}
      </div>
      <EnvironmentNotice notice={notice} name={env.name} />
      {env.status === "PENDING_APPROVAL" ? (
        <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm">
          <p role="status">Waiting for an admin to approve this request.</p>
          {/* The decision shows up here by itself; the build's progress then streams live. */}
          <AutoRefresh active />
          <WithdrawForm id={env.id} name={env.name} />
        </div>
      ) : null}
      {env.status === "REJECTED" ? (
        <p className="rounded-md border border-slate-300 bg-slate-100 px-4 py-3 text-sm">
          This request was rejected{env.decisionReason ? `: “${env.decisionReason}”` : "."}
        </p>
      ) : null}
      {pendingChange ? (
        <section aria-labelledby="change-heading" className="space-y-3 rounded-md border border-amber-300 bg-amber-50 px-4 py-3">
          <h2 id="change-heading" className="text-lg font-semibold">
            {pendingWhat} waiting for approval
          </h2>
          <p className="text-sm">
            Asked for by {pendingChange.requestedBy}
            {pendingChange.reason ? `: “${pendingChange.reason}”` : "."}
          </p>
          {pendingChange.whatIf ? <WhatIfView whatIf={pendingChange.whatIf} /> : null}
          {user.isAdmin ? (
            <ChangeDecisionForm id={env.id} operationId={pendingChange.operationId} ownChange={pendingChange.requestedById === user.id} noun={pendingWhat.toLowerCase()} />
          ) : null}
          {user.teamIds.includes(env.teamId) ? <WithdrawChangeForm id={env.id} operationId={pendingChange.operationId} /> : null}
          {/* The team sees the decision arrive; an admin typing a reason is not refreshed under their hands. */}
          <AutoRefresh active={!user.isAdmin} />
        </section>
      ) : null}
      {canAskForChange ? (
        <p>
          <Link href={`/environments/${env.id}/change`} className="text-sm font-medium text-sky-800 underline">
            Change executor, size, Airflow version, DAG source or expiry
          </Link>
        </p>
      ) : null}
      {env.status === "STOPPED" ? (
        <p role="status" className="rounded-md border border-slate-300 bg-slate-100 px-4 py-3 text-sm">
          {env.name} is stopped: its cluster and database are not running, and Airflow does not answer until it is started.
        </p>
      ) : null}
      {power ? (
        <WhatIfDetails headingId="power-heading" title={power === "stop" ? "Stop (hibernate) this environment" : "Start this environment"} whatIf={powerWhatIf({ ...env, taskLogs: taskLogsInBlob(env.deployed) }, power)}>
          <PowerRequestForm id={env.id} name={env.name} action={power} direct={user.isAdmin} />
        </WhatIfDetails>
      ) : null}
      {canAskTeardown ? (
        <WhatIfDetails headingId="ask-teardown-heading" title="Ask to tear down this environment" whatIf={teardownWhatIf({ ...env, taskLogs: taskLogsInBlob(env.deployed) })}>
          <TeardownRequestForm id={env.id} name={env.name} />
        </WhatIfDetails>
      ) : null}
      {restore ? (
        <WhatIfDetails headingId="restore-heading" title="Restore the database from before the upgrade" whatIf={restore.whatIf}>
          <p className="text-sm text-slate-700">
            The upgrade failed after its migration may have run. Retrying runs it again as it is; restoring brings back the database as it was at{" "}
            {restore.plan.pointInTime} on a new server, {restore.plan.server}, and Airflow {env.airflowVersion} with it.
          </p>
          <RestoreForm id={env.id} name={env.name} />
        </WhatIfDetails>
      ) : null}
      {ownTeam && ["READY", "STOPPED", "UPDATING", "FAILED"].includes(env.status) ? (
        <section aria-labelledby="hibernation-heading" className="space-y-3">
          <h2 id="hibernation-heading" className="text-lg font-semibold">Hibernation schedule</h2>
          <p className="text-sm text-slate-700">
            {env.hibernation
              ? `${describeSchedule(env.hibernation)}: saves about $${monthlySaving({ ...env, taskLogs: taskLogsInBlob(env.deployed) }, stoppedShare(env.hibernation)).toLocaleString("en-US")} a month at list prices.`
              : `Stop ${env.name} when nobody uses it: stopped all month it would save about $${monthlySaving({ ...env, taskLogs: taskLogsInBlob(env.deployed) }, 1).toLocaleString("en-US")} at list prices. The worker stops and starts it on time; no approval is needed.`}
          </p>
          <HibernationForm id={env.id} name={env.name} schedule={env.hibernation} />
        </section>
      ) : null}
      {/* Keyed by operation, so a new operation (a teardown after a failure) starts from its own snapshot. */}
      {progress?.operation ? <OperationProgress key={progress.operation.id} initial={progress} /> : null}
      {canRetry || canTearDown ? (
        <section aria-labelledby="manage-heading" className="space-y-3">
          <h2 id="manage-heading" className="text-lg font-semibold">Manage</h2>
          {canRetry ? <RetryForm id={env.id} name={env.name} /> : null}
          {canTearDown && operationActive ? (
            <p className="text-sm text-slate-700">Tearing down becomes possible once the running operation has finished.</p>
          ) : null}
          {canTearDown && !operationActive ? <TeardownForm id={env.id} name={env.name} /> : null}
        </section>
      ) : null}
      <section aria-labelledby="spec-heading" className="space-y-3">
        <h2 id="spec-heading" className="text-lg font-semibold">Specification</h2>
        <EnvironmentSpec env={env} />
      </section>
      {env.deployed?.access && env.status !== "DELETED" ? (
        <section aria-labelledby="access-heading" className="space-y-3">
          <h2 id="access-heading" className="text-lg font-semibold">Airflow sign-in</h2>
          <AirflowAccess access={env.deployed.access} />
        </section>
      ) : null}
      {env.status === "READY" && env.drift ? (
        <section aria-labelledby="drift-heading" className="space-y-3">
          <h2 id="drift-heading" className="text-lg font-semibold">Drift</h2>
          <DriftSection id={env.id} drift={env.drift} canReapply={user.isAdmin && !pendingChange} />
        </section>
      ) : null}
      {env.deployed ? (
        <section aria-labelledby="deployed-heading" className="space-y-3">
          <h2 id="deployed-heading" className="text-lg font-semibold">Deployed</h2>
          <DeployedResources deployed={env.deployed} />
        </section>
      ) : null}
      {hasReleaseView(env) ? (
        <section aria-labelledby="release-heading" className="space-y-3">
          <h2 id="release-heading" className="text-lg font-semibold">What the release creates</h2>
          {/* Rendering the chart may wait for its repository; the rest of the page does not. */}
          <Suspense fallback={<p className="text-sm text-slate-600">Rendering chart airflow {env.chartVersion}…</p>}>
            <ReleaseObjectsSection env={env} settings={release} />
          </Suspense>
        </section>
      ) : null}
      <section aria-labelledby="values-heading" className="space-y-3">
        <h2 id="values-heading" className="text-lg font-semibold">Helm values</h2>
        <HelmValues env={env} planned={env.deployed ? undefined : environmentHelmValues(env, release)} />
      </section>
      <section aria-labelledby="history-heading" className="space-y-3">
        <h2 id="history-heading" className="text-lg font-semibold">History</h2>
        {env.earlierHistory ? <p className="text-sm text-slate-600">The {env.history.length} most recent events; earlier ones are in the audit log.</p> : null}
        <HistoryList entries={env.history} />
      </section>
    </div>
  );
}
