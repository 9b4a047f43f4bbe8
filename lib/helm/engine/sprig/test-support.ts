/**
 * Calls a Sprig function the way the template executor would and describes the outcome as Go's
 * `printf "%T %#v"` shows it, or as "ERR: " and the error text, so that tests can compare it with
 * what Go's text/template produced for the same call.
 */
import { sprintf } from "../fmt";
import { sprigFunctions } from ".";
import type { GoValue } from "../value";

const deterministic = sprigFunctions({ random: "deterministic" });
const crypto = sprigFunctions({ random: "crypto" });

export function callSprig(name: string, args: GoValue[], random: "crypto" | "deterministic" = "deterministic"): string {
  const f = (random === "crypto" ? crypto : deterministic)[name];
  if (!f) return `missing function ${name}`;
  try {
    const v = f.call(...args);
    return sprintf("%T %#v", [v, v]);
  } catch (e) {
    return "ERR: " + (e as Error).message;
  }
}
