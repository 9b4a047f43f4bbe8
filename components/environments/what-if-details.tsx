import type { ReactNode } from "react";
import type { WhatIf } from "@/lib/environments/changes/what-if";
import { WhatIfView } from "./what-if-view";

/**
 * A day-2 action on the environment's page, folded until opened: its heading, the what-if of doing
 * it, then the form that does it (or asks for it).
 */
export function WhatIfDetails({ headingId, title, whatIf, children }: { headingId: string; title: string; whatIf: WhatIf; children: ReactNode }) {
  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <details className="rounded-lg border border-slate-200 bg-white p-4">
        <summary className="cursor-pointer">
          <h2 id={headingId} className="inline text-lg font-semibold">
            {title}
          </h2>
        </summary>
        <div className="mt-3 space-y-4">
          <WhatIfView whatIf={whatIf} />
          {children}
        </div>
      </details>
    </section>
  );
}
