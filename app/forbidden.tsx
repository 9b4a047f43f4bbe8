import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="max-w-xl space-y-3">
      <h1 className="text-2xl font-semibold">You cannot open this page</h1>
      <p>This page is for portal admins (the Portal.Admin role). Ask your platform team if you need it.</p>
      <Link href="/environments" className="text-sky-800 underline">Back to your environments</Link>
    </div>
  );
}
