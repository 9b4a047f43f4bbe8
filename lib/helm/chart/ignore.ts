import { pathMatch } from "./path-match";

/**
 * .helmignore rules as Helm's pkg/ignore evaluates them, quirks included: rules are tried in order
 * and the first match decides; a negated rule that does not match ignores the path outright.
 */
export const HELM_IGNORE = ".helmignore";

interface Pattern {
  raw: string;
  negate: boolean;
  mustDir: boolean;
  match: (path: string) => boolean;
}

export class IgnoreRules {
  private readonly patterns: Pattern[] = [];

  /** Parses a .helmignore file; throws with Helm's message on a bad rule. */
  static parse(text: string): IgnoreRules {
    const rules = new IgnoreRules();
    const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
    // bufio.Scanner's lines: split on \n and drop one trailing \r.
    const lines = body.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    for (const line of lines) rules.parseRule(line.endsWith("\r") ? line.slice(0, -1) : line);
    return rules;
  }

  /** Ignore every dotfile in templates/. */
  addDefaults(): void {
    this.parseRule("templates/.?*");
  }

  parseRule(input: string): void {
    let rule = input.trim();
    if (rule === "" || rule.startsWith("#")) return;
    if (rule.includes("**")) throw new Error("double-star (**) syntax is not supported");
    pathMatch(rule, "abc");
    const p: Pattern = { raw: rule, negate: false, mustDir: false, match: () => false };
    if (rule.startsWith("!")) {
      p.negate = true;
      rule = rule.slice(1);
    }
    if (rule.endsWith("/")) {
      p.mustDir = true;
      rule = rule.slice(0, -1);
    }
    const r = rule;
    if (r.startsWith("/")) p.match = (n) => safeMatch(r.slice(1), n);
    else if (r.includes("/")) p.match = (n) => safeMatch(r, n);
    else p.match = (n) => safeMatch(r, baseName(n));
    this.patterns.push(p);
  }

  /** rules.Ignore(path, fileInfo): path is relative with '/' separators. */
  ignore(path: string, isDir: boolean): boolean {
    if (path === "" || path === "." || path === "./") return false;
    for (const p of this.patterns) {
      if (p.negate) {
        if (p.mustDir && !isDir) return true;
        if (!p.match(path)) return true;
        continue;
      }
      if (p.mustDir && !isDir) continue;
      if (p.match(path)) return true;
    }
    return false;
  }
}

/** filepath.Base: the last element, trailing slashes dropped. */
function baseName(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** A pattern that fails to compile at match time matches nothing (Helm logs and moves on). */
function safeMatch(pattern: string, name: string): boolean {
  try {
    return pathMatch(pattern, name);
  } catch {
    return false;
  }
}
