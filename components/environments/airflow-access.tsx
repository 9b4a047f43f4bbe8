import type { Deployed } from "@/lib/provisioning/deployed";
import { formatDateTime } from "./format";

type Access = NonNullable<Deployed["access"]>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The https address, who signs in as what, and when the address's certificate runs out. */
export function AirflowAccess({ access, now = new Date() }: { access: Access; now?: Date }) {
  const expires = access.certificateExpiresAt ? new Date(access.certificateExpiresAt) : null;
  const daysLeft = expires ? Math.floor((expires.getTime() - now.getTime()) / DAY_MS) : null;
  return (
    <div className="space-y-3 text-sm">
      <dl className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        <div className="grid grid-cols-3 gap-4 px-4 py-2">
          <dt className="font-medium text-slate-600">Address</dt>
          <dd className="col-span-2 break-all">
            <a href={access.url} target="_blank" rel="noreferrer" className="font-medium text-sky-800 underline">
              {access.url}
              <span className="sr-only"> (opens in a new tab)</span>
            </a>
          </dd>
        </div>
        <div className="grid grid-cols-3 gap-4 px-4 py-2">
          <dt className="font-medium text-slate-600">Certificate</dt>
          <dd className="col-span-2">
            {expires ? (
              <>
                Valid until <time dateTime={expires.toISOString()}>{formatDateTime(expires)}</time>
                {daysLeft !== null && daysLeft < 30 ? (
                  <strong className="ml-2 text-amber-800">{daysLeft < 0 ? "expired" : `expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`}</strong>
                ) : null}
              </>
            ) : (
              "Not seen yet"
            )}
          </dd>
        </div>
        <div className="grid grid-cols-3 gap-4 px-4 py-2">
          <dt className="font-medium text-slate-600">Sign-in</dt>
          <dd className="col-span-2">Microsoft Entra ID, with the company account</dd>
        </div>
      </dl>
      <table className="w-full rounded-lg border border-slate-200 bg-white text-left">
        <caption className="sr-only">Airflow roles by Entra group</caption>
        <thead className="border-b border-slate-200 text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">Who</th>
            <th scope="col" className="px-4 py-2 font-medium">Airflow role</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {access.roles.map((r) => (
            <tr key={r.groupId}>
              <td className="px-4 py-2">
                {r.who} <span className="font-mono text-xs text-slate-600">(group {r.groupId})</span>
              </td>
              <td className="px-4 py-2 font-medium">{r.role}</td>
            </tr>
          ))}
          <tr>
            <td className="px-4 py-2">Anyone else in the tenant</td>
            <td className="px-4 py-2">No role: signed in, allowed nothing</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
