import Link from "next/link";

export default function NotFound() {
  return (
    <div className="max-w-xl space-y-3">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p>That page or environment does not exist, or it belongs to a team you are not in.</p>
      <Link href="/environments" className="text-sky-800 underline">Back to your environments</Link>
    </div>
  );
}
