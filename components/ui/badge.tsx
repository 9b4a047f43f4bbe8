import type { ReactNode } from "react";
import type { Tone } from "@/lib/environments/status";

/** The look is in globals.css (`.badge`, `.badge-<tone>`): badges repeat on every row of a list. */
const TONES: Record<Tone, string> = {
  neutral: "badge badge-neutral",
  info: "badge badge-info",
  success: "badge badge-success",
  warning: "badge badge-warning",
  danger: "badge badge-danger",
};

export const badgeClass = (tone: Tone) => TONES[tone];

export function Badge({ tone = "neutral", children }: { tone?: Tone; children: ReactNode }) {
  return <span className={TONES[tone]}>{children}</span>;
}
