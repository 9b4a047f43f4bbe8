/**
 * Sprig's random functions. "crypto" draws from node:crypto over goutils' character sets;
 * "deterministic" gives the fixed outputs the conformance reference substitutes for them.
 */
import { randomInt, randomUUID } from "node:crypto";
import { fn } from "./func";
import type { GoFunc } from "../value";

export type RandomMode = "crypto" | "deterministic";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALPHA = UPPER + LOWER;
const ALNUM = ALPHA + DIGITS;
/** goutils.CryptoRandomAscii picks from 32 (space) through 126. */
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
/** The deterministic stand-in cycles through '!' (33) to '~' (126). */
const ASCII_DETERMINISTIC = ASCII.slice(1);

function cycle(chars: string, n: bigint): string {
  if (n <= 0n) return "";
  const count = Number(n);
  return chars.repeat(Math.ceil(count / chars.length)).slice(0, count);
}

function draw(chars: string, n: bigint): string {
  // goutils returns an error for a negative count, which Sprig drops: the result is "".
  if (n <= 0n) return "";
  let out = "";
  for (let i = 0; i < Number(n); i++) out += chars[randomInt(chars.length)];
  return out;
}

function shuffle(s: string): string {
  const rs = Array.from(s);
  for (let i = rs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [rs[i], rs[j]] = [rs[j]!, rs[i]!];
  }
  return rs.join("");
}

export function randomFunctions(mode: RandomMode): Record<string, GoFunc> {
  const det = mode === "deterministic";
  const gen = (chars: string, detChars: string = chars) =>
    fn(["int"], "string", (n) => (det ? cycle(detChars, n) : draw(chars, n)));
  return {
    randAlphaNum: gen(ALNUM),
    randAlpha: gen(ALPHA),
    randNumeric: gen(DIGITS),
    randAscii: gen(ASCII, ASCII_DETERMINISTIC),
    shuffle: fn(["string"], "string", (s) => (det ? s : shuffle(s))),
    uuidv4: fn([], "string", () => (det ? "00000000-0000-4000-8000-000000000000" : randomUUID())),
  };
}
