"use client";

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="max-w-xl space-y-3">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p>The page could not be loaded. Nothing you submitted was lost; try again in a moment.</p>
      <button type="button" onClick={reset} className="rounded-md bg-sky-700 px-3 py-2 text-sm font-semibold text-white">
        Try again
      </button>
    </div>
  );
}
