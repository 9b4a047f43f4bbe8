/**
 * Go's path package (and path/filepath, identical on Linux) behind Sprig's base, dir, clean, ext,
 * isAbs and their os* twins.
 */
import { fn } from "./func";
import type { GoFunc } from "../value";

/** path.Clean: the shortest equivalent path, by purely lexical processing. */
export function clean(path: string): string {
  if (path === "") return ".";
  const rooted = path[0] === "/";
  const n = path.length;
  const out: string[] = [];
  let r = 0;
  let dotdot = 0;
  if (rooted) {
    out.push("/");
    r = dotdot = 1;
  }
  while (r < n) {
    if (path[r] === "/") r++;
    else if (path[r] === "." && (r + 1 === n || path[r + 1] === "/")) r++;
    else if (path[r] === "." && path[r + 1] === "." && (r + 2 === n || path[r + 2] === "/")) {
      r += 2;
      if (out.length > dotdot) {
        let w = out.length - 1;
        while (w > dotdot && out[w] !== "/") w--;
        out.length = w;
      } else if (!rooted) {
        if (out.length > 0) out.push("/");
        out.push(".", ".");
        dotdot = out.length;
      }
    } else {
      if ((rooted && out.length !== 1) || (!rooted && out.length !== 0)) out.push("/");
      for (; r < n && path[r] !== "/"; r++) out.push(path[r]!);
    }
  }
  return out.length === 0 ? "." : out.join("");
}

export function base(path: string): string {
  if (path === "") return ".";
  path = path.replace(/\/+$/, "");
  const i = path.lastIndexOf("/");
  if (i >= 0) path = path.slice(i + 1);
  return path === "" ? "/" : path;
}

export function dir(path: string): string {
  return clean(path.slice(0, path.lastIndexOf("/") + 1));
}

export function ext(path: string): string {
  for (let i = path.length - 1; i >= 0 && path[i] !== "/"; i--) if (path[i] === ".") return path.slice(i);
  return "";
}

const S = "string";

export const pathFunctions: Record<string, GoFunc> = {
  base: fn([S], S, base),
  dir: fn([S], S, dir),
  clean: fn([S], S, clean),
  ext: fn([S], S, ext),
  isAbs: fn([S], "bool", (p) => p.startsWith("/")),
  osBase: fn([S], S, base),
  osClean: fn([S], S, clean),
  osDir: fn([S], S, dir),
  osExt: fn([S], S, ext),
  osIsAbs: fn([S], "bool", (p) => p.startsWith("/")),
};
