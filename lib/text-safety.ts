/**
 * Characters that make text show something other than what it holds: bidirectional overrides
 * and isolates (which reorder what a reader sees: "Trojan Source"), zero-width characters (which
 * hide inside words), and NUL (which PostgreSQL cannot store in text at all). None belongs in a
 * purpose or a reason someone else will read and decide on.
 */
const DECEPTIVE = /[\u0000\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

export const DECEPTIVE_TEXT_MESSAGE = "Remove invisible or direction-changing characters (often pasted along with text).";

export function hasDeceptiveCharacters(value: string): boolean {
  return DECEPTIVE.test(value);
}
