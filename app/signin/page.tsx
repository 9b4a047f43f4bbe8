import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInPanel } from "@/components/auth/sign-in-panel";
import { sanitizeReturnTo } from "@/lib/auth/return-to";
import { getSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const returnTo = sanitizeReturnTo((await searchParams).returnTo);
  if (await getSession()) redirect(returnTo);

  return (
    <div className="mx-auto mt-12 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-semibold">Sign in</h1>
      <p className="mt-2 mb-6 text-sm text-slate-600">
        Use your work account to request and follow Apache Airflow environments on Azure.
      </p>
      <SignInPanel returnTo={returnTo} />
    </div>
  );
}
