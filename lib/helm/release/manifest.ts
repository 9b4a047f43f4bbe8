/**
 * releaseutil.SplitManifests (pkg/releaseutil/manifest.go): a rendered template cut into its YAML
 * documents at "---" lines, each trimmed, empty ones dropped, in order.
 */

/** Go's unicode.IsSpace set, which strings.TrimSpace trims (JavaScript's trim also drops U+FEFF). */
const SPACE =
  "\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" +
  "\u2028\u2029\u202f\u205f\u3000";

export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && SPACE.includes(s[start]!)) start++;
  while (end > start && SPACE.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** RE2's \s is [\t\n\f\r ]: no vertical tab, no Unicode spaces. */
const SEPARATOR = /(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*/;

export function splitManifests(bigFile: string): string[] {
  const text = goTrimSpace(bigFile);
  // The separator is costly to search for through indentation; most texts have no "---" at all.
  if (!text.includes("---")) return text === "" ? [] : [text];
  const docs = text.split(SEPARATOR);
  return docs.filter((d) => d !== "").map(goTrimSpace);
}
