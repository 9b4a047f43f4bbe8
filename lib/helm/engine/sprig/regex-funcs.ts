/**
 * Sprig's regex functions (regex.go): the plain names compile with regexp.MustCompile (a bad
 * pattern panics, except in regexMatch, which answers false); the must* names return the error.
 */
import { fn } from "./func";
import { compile, expand, findAll, findString, matchString, mustCompile, quoteMeta, replaceAll, split } from "./regex";
import { typedSlice, type GoFunc } from "../value";

const S = "string";

function strings(items: string[]) {
  return typedSlice(items, "[]string");
}

export const regexFunctions: Record<string, GoFunc> = {
  regexMatch: fn([S, S], "bool", (re, s) => {
    try {
      return matchString(compile(re), s);
    } catch {
      return false;
    }
  }),
  mustRegexMatch: fn([S, S], "bool", (re, s) => matchString(compile(re), s), { returnsError: true }),
  regexFindAll: fn([S, S, "int"], "[]string", (re, s, n) =>
    strings(findAll(mustCompile(re), s, Number(n)).map((m) => m[0])),
  ),
  mustRegexFindAll: fn(
    [S, S, "int"],
    "[]string",
    (re, s, n) => strings(findAll(compile(re), s, Number(n)).map((m) => m[0])),
    { returnsError: true },
  ),
  regexFind: fn([S, S], S, (re, s) => findString(mustCompile(re), s)),
  mustRegexFind: fn([S, S], S, (re, s) => findString(compile(re), s), { returnsError: true }),
  regexReplaceAll: fn([S, S, S], S, (re, s, repl) => {
    const g = mustCompile(re);
    return replaceAll(g, s, (m) => expand(g, repl, m));
  }),
  mustRegexReplaceAll: fn(
    [S, S, S],
    S,
    (re, s, repl) => {
      const g = compile(re);
      return replaceAll(g, s, (m) => expand(g, repl, m));
    },
    { returnsError: true },
  ),
  regexReplaceAllLiteral: fn([S, S, S], S, (re, s, repl) => replaceAll(mustCompile(re), s, () => repl)),
  mustRegexReplaceAllLiteral: fn([S, S, S], S, (re, s, repl) => replaceAll(compile(re), s, () => repl), {
    returnsError: true,
  }),
  regexSplit: fn([S, S, "int"], "[]string", (re, s, n) => strings(split(mustCompile(re), s, Number(n), re !== ""))),
  mustRegexSplit: fn([S, S, "int"], "[]string", (re, s, n) => strings(split(compile(re), s, Number(n), re !== "")), {
    returnsError: true,
  }),
  regexQuoteMeta: fn([S], S, quoteMeta),
};
