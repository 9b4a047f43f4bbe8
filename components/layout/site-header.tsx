import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import type { CurrentUser } from "@/lib/users/resolve-user";

export function SiteHeader({ user }: { user: CurrentUser | null }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-4 px-4 py-3">
        <Link href="/environments" className="text-base font-semibold text-slate-900">
          Airflow on Azure
        </Link>
        {user ? (
          <>
            <nav aria-label="Main" className="flex gap-4 text-sm">
              <Link href="/environments" className="hover:underline">Environments</Link>
              <Link href="/environments/new" className="hover:underline">Request an environment</Link>
              {user.isAdmin ? <Link href="/admin" className="hover:underline">Admin</Link> : null}
            </nav>
            <div className="flex items-center gap-3 text-sm">
              <span>
                <span className="sr-only">Signed in as </span>
                <span data-testid="user-name">{user.name}</span>
                {user.isAdmin ? <span className="ml-1 text-xs text-slate-500">(admin)</span> : null}
              </span>
              <SignOutButton />
            </div>
          </>
        ) : null}
      </div>
    </header>
  );
}
