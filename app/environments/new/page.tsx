import type { Metadata } from "next";
import { RequestForm } from "@/components/environments/request-form";
import { config } from "@/lib/config";
import { expiryBounds } from "@/lib/environments/request-schema";
import { requireUser } from "@/lib/users/current-user";

export const metadata: Metadata = { title: "Request an environment" };

export default async function NewEnvironmentPage() {
  const user = await requireUser("/environments/new");
  const { catalog } = config();
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Request an Airflow environment</h1>
        <p className="text-sm text-slate-600">
          An admin reviews the request. Once approved, the portal builds the AKS cluster, the PostgreSQL metadata database and
          Airflow, and shows the progress here.
        </p>
      </div>
      {user.teams.length === 0 ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm">
          You are not in any team the portal knows, so you cannot request an environment yet. Ask your platform team to add your
          Entra ID group.
        </p>
      ) : (
        <RequestForm
          catalog={{ regions: catalog.regions, airflowVersions: catalog.airflowVersions }}
          teams={user.teams.map(({ slug, name }) => ({ slug, name }))}
          expiry={expiryBounds()}
        />
      )}
    </div>
  );
}
