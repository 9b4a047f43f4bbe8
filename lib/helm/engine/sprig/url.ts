/**
 * Go's net/url (Go 1.19) as Sprig's urlParse and urlJoin use it: url.Parse, URL.String,
 * Hostname and the userinfo rules, with Go's error texts. Go works on bytes, so the code below
 * works on "byte strings" (one char per UTF-8 byte) and converts at the edges.
 */
import { goQuote, utf8Bytes, utf8String } from "../fmt-quote";
import { fn, GoError, NIL_DEREFERENCE } from "./func";
import { goKindName, type GoFunc, type GoMap, type GoValue } from "../value";

type Mode = "path" | "host" | "zone" | "userPassword" | "fragment";

interface URL {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

const toBytes = (s: string) => String.fromCharCode(...utf8Bytes(s));
const fromBytes = (b: string) => utf8String(Uint8Array.from(b, (c) => c.charCodeAt(0)));
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isAlnum = (c: string) => /^[0-9A-Za-z]$/.test(c);

function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if ((mode === "host" || mode === "zone") && "!$&'()*+,;=:[]<>\"".includes(c)) return false;
  if ("-_.~".includes(c)) return false;
  if ("$&+,/:;=?@".includes(c)) {
    if (mode === "path") return c === "?";
    if (mode === "userPassword") return "@/?:".includes(c);
    if (mode === "fragment") return false;
  }
  if (mode === "fragment" && "!()*".includes(c)) return false;
  return true;
}

function unescape(s: string, mode: Mode): string {
  for (let i = 0; i < s.length; ) {
    if (s[i] === "%") {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new GoError("invalid URL escape " + goQuote(fromBytes(s.slice(i, i + 3))));
      }
      const v = parseInt(s.slice(i + 1, i + 3), 16);
      const esc = s.slice(i, i + 3);
      if (mode === "host" && v >> 4 < 8 && esc !== "%25") throw new GoError("invalid URL escape " + goQuote(esc));
      if (mode === "zone" && esc !== "%25" && v !== 0x20 && shouldEscape(String.fromCharCode(v), "host")) {
        throw new GoError("invalid URL escape " + goQuote(esc));
      }
      i += 3;
    } else {
      if ((mode === "host" || mode === "zone") && s.charCodeAt(i) < 0x80 && shouldEscape(s[i]!, mode)) {
        throw new GoError("invalid character " + goQuote(s[i]!) + " in host name");
      }
      i++;
    }
  }
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function escape(s: string, mode: Mode): string {
  let out = "";
  for (const c of s) {
    out += shouldEscape(c, mode) ? "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0") : c;
  }
  return out;
}

function validPort(port: string): boolean {
  return port === "" || /^:[0-9]*$/.test(port);
}

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const i = host.lastIndexOf("]");
    if (i < 0) throw new GoError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validPort(colonPort)) throw new GoError(`invalid port ${goQuote(fromBytes(colonPort))} after host`);
    const zone = host.slice(0, i).indexOf("%25");
    if (zone >= 0) {
      const [before, zoneId, after] = [host.slice(0, zone), host.slice(zone, i), host.slice(i)];
      return unescape(before, "host") + unescape(zoneId, "zone") + unescape(after, "host");
    }
  } else {
    const i = host.lastIndexOf(":");
    if (i !== -1 && !validPort(host.slice(i))) {
      throw new GoError(`invalid port ${goQuote(fromBytes(host.slice(i)))} after host`);
    }
  }
  return unescape(host, "host");
}

function parseAuthority(u: URL, authority: string): void {
  const i = authority.lastIndexOf("@");
  u.host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return;
  const userinfo = authority.slice(0, i);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new GoError("net/url: invalid userinfo");
  const colon = userinfo.indexOf(":");
  if (colon < 0) u.user = { username: unescape(userinfo, "userPassword") };
  else {
    u.user = {
      username: unescape(userinfo.slice(0, colon), "userPassword"),
      password: unescape(userinfo.slice(colon + 1), "userPassword"),
    };
  }
}

function parseNoFragment(raw: string): URL {
  const u: URL = {
    scheme: "",
    opaque: "",
    host: "",
    path: "",
    rawPath: "",
    omitHost: false,
    forceQuery: false,
    rawQuery: "",
    fragment: "",
    rawFragment: "",
  };
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new GoError("net/url: invalid control character in URL");
  if (raw === "*") {
    u.path = "*";
    return u;
  }
  let rest = raw;
  const m = /^([A-Za-z][A-Za-z0-9+\-.]*)?:/.exec(raw);
  if (raw[0] === ":") throw new GoError("missing protocol scheme");
  if (m && m[1]) {
    u.scheme = m[1].toLowerCase();
    rest = raw.slice(m[0].length);
  }
  if (rest.endsWith("?") && rest.split("?").length === 2) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf("?");
    if (q >= 0) [rest, u.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith("/")) {
    if (u.scheme !== "") {
      u.opaque = rest;
      return u;
    }
    if (rest.split("/")[0]!.includes(":")) throw new GoError("first path segment in URL cannot contain colon");
  }
  if ((u.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const i = authority.indexOf("/");
    if (i >= 0) [authority, rest] = [authority.slice(0, i), authority.slice(i)];
    parseAuthority(u, authority);
  } else if (u.scheme !== "" && rest.startsWith("/")) u.omitHost = true;
  u.path = unescape(rest, "path");
  u.rawPath = escape(u.path, "path") === rest ? "" : rest;
  return u;
}

/** url.Parse; errors read like Go's `parse "x": …`. */
export function parseURL(rawURL: string): URL {
  const raw = toBytes(rawURL);
  const hash = raw.indexOf("#");
  const [body, frag] = hash < 0 ? [raw, ""] : [raw.slice(0, hash), raw.slice(hash + 1)];
  let u: URL;
  try {
    u = parseNoFragment(body);
  } catch (e) {
    throw new GoError(`parse ${goQuote(fromBytes(body))}: ${(e as Error).message}`);
  }
  if (frag === "") return u;
  try {
    u.fragment = unescape(frag, "fragment");
  } catch (e) {
    throw new GoError(`parse ${goQuote(rawURL)}: ${(e as Error).message}`);
  }
  u.rawFragment = escape(u.fragment, "fragment") === frag ? "" : frag;
  return u;
}

function validEncoded(s: string, mode: Mode): boolean {
  return [...s].every((c) => "!$&'()*+,;=:@[]%".includes(c) || !shouldEscape(c, mode));
}

function escapedRaw(raw: string, value: string, mode: Mode): string | undefined {
  if (raw === "" || !validEncoded(raw, mode)) return undefined;
  try {
    return unescape(raw, mode) === value ? raw : undefined;
  } catch {
    return undefined;
  }
}

function userString(user: NonNullable<URL["user"]>): string {
  const name = escape(user.username, "userPassword");
  return user.password === undefined ? name : name + ":" + escape(user.password, "userPassword");
}

/** URL.String, on byte strings. */
function urlString(u: URL): string {
  let buf = u.scheme ? u.scheme + ":" : "";
  if (u.opaque !== "") buf += u.opaque;
  else {
    if ((u.scheme !== "" || u.host !== "" || u.user) && !(u.omitHost && u.host === "" && !u.user)) {
      if (u.host !== "" || u.path !== "" || u.user) buf += "//";
      if (u.user) buf += userString(u.user) + "@";
      if (u.host !== "") buf += escape(u.host, "host");
    }
    const path = escapedRaw(u.rawPath, u.path, "path") ?? (u.path === "*" ? "*" : escape(u.path, "path"));
    if (path !== "" && path[0] !== "/" && u.host !== "") buf += "/";
    if (buf === "" && path.split("/")[0]!.includes(":")) buf += "./";
    buf += path;
  }
  if (u.forceQuery || u.rawQuery !== "") buf += "?" + u.rawQuery;
  if (u.fragment !== "") {
    buf += "#" + (escapedRaw(u.rawFragment, u.fragment, "fragment") ?? escape(u.fragment, "fragment"));
  }
  return buf;
}

function hostname(host: string): string {
  let h = host;
  const colon = h.lastIndexOf(":");
  if (colon !== -1 && validPort(h.slice(colon))) h = h.slice(0, colon);
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  return h;
}

function urlParse(v: string): GoMap {
  let u: URL;
  try {
    u = parseURL(v);
  } catch (e) {
    throw new GoError(`unable to parse url: ${(e as Error).message}`);
  }
  return {
    scheme: fromBytes(u.scheme),
    host: fromBytes(u.host),
    hostname: fromBytes(hostname(u.host)),
    path: fromBytes(u.path),
    query: fromBytes(u.rawQuery),
    opaque: fromBytes(u.opaque),
    fragment: fromBytes(u.fragment),
    userinfo: u.user ? fromBytes(userString(u.user)) : "",
  };
}

function dictGetOrEmpty(d: GoMap | null, key: string): string {
  if (!d || !Object.hasOwn(d, key)) return "";
  const v: GoValue = d[key];
  if (v === null || v === undefined) throw new GoError(NIL_DEREFERENCE);
  if (typeof v !== "string") {
    throw new GoError(`unable to parse ${key} key, must be of type string, but ${goKindName(v)} found`);
  }
  return toBytes(v);
}

function urlJoin(d: GoMap | null): string {
  const u: URL = {
    scheme: dictGetOrEmpty(d, "scheme"),
    host: dictGetOrEmpty(d, "host"),
    path: dictGetOrEmpty(d, "path"),
    rawQuery: dictGetOrEmpty(d, "query"),
    opaque: dictGetOrEmpty(d, "opaque"),
    fragment: dictGetOrEmpty(d, "fragment"),
    rawPath: "",
    rawFragment: "",
    omitHost: false,
    forceQuery: false,
  };
  const userinfo = dictGetOrEmpty(d, "userinfo");
  if (userinfo !== "") {
    try {
      u.user = parseURL(fromBytes(`proto://${userinfo}@host`)).user;
    } catch (e) {
      throw new GoError(`unable to parse userinfo in dict: ${(e as Error).message}`);
    }
  }
  return fromBytes(urlString(u));
}

export const urlFunctions: Record<string, GoFunc> = {
  urlParse: fn(["string"], "map[string]interface {}", urlParse),
  urlJoin: fn(["map[string]interface {}"], "string", urlJoin),
};
