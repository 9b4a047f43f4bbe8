/**
 * Rows of "what: before → after", as a table a screen reader reads row by row: a what-if's Helm
 * values, or what drift found differing from what was applied.
 */
export function DiffTable({
  caption,
  headings,
  rows,
  monoWhat = false,
}: {
  caption?: string;
  headings: readonly [string, string, string];
  rows: readonly { what: string; before: string; after: string }[];
  monoWhat?: boolean;
}) {
  return (
    <table className="mt-2 w-full table-fixed border-collapse text-xs">
      {caption ? <caption className="sr-only">{caption}</caption> : null}
      <thead>
        <tr className="text-left">
          <th scope="col" className="w-1/3 border-b p-1">{headings[0]}</th>
          <th scope="col" className="border-b p-1">{headings[1]}</th>
          <th scope="col" className="border-b p-1">{headings[2]}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.what}>
            <th scope="row" className={`break-all border-b p-1 text-left font-normal${monoWhat ? " font-mono" : ""}`}>{r.what}</th>
            <td className="break-all border-b p-1 font-mono">{r.before}</td>
            <td className="break-all border-b p-1 font-mono">{r.after}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
