import { formatDateTime } from "@/components/environments/format";
import type { ActiveSessionUser } from "@/lib/auth/sessions";
import { RevokeSessionsForm } from "./revoke-sessions-form";

/** Who is signed in now, with a control to end all of one person's sessions. */
export function SignedInUsers({ users, currentUserId }: { users: ActiveSessionUser[]; currentUserId: string }) {
  if (users.length === 0) return <p className="text-sm text-slate-700">Nobody is signed in.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">People signed in now</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">Who</th>
            <th scope="col" className="px-4 py-2">Sessions</th>
            <th scope="col" className="px-4 py-2">Last active</th>
            <th scope="col" className="px-4 py-2"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((u) => (
            <tr key={u.userId}>
              <td className="px-4 py-2">{u.name}{u.email ? <span className="text-slate-600"> · {u.email}</span> : null}{u.userId === currentUserId ? " (you)" : null}</td>
              <td className="px-4 py-2">{u.sessions}</td>
              <td className="px-4 py-2 whitespace-nowrap">{formatDateTime(u.lastSeenAt)}</td>
              <td className="px-4 py-2"><RevokeSessionsForm userId={u.userId} name={u.name} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
