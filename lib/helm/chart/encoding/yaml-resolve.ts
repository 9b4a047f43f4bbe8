import { parseIntBase, parseIntBase0, parseUintBase0, parseUintBase2 } from "./go-strconv";

/**
 * yaml.v2's resolve(): which YAML 1.1 type a plain scalar has. Helm decodes values and manifests
 * with it and its encoder quotes exactly the strings that would otherwise read back as another
 * type, so the decoder and the encoder share this one table.
 */
export const TAG = {
  str: "tag:yaml.org,2002:str",
  bool: "tag:yaml.org,2002:bool",
  int: "tag:yaml.org,2002:int",
  float: "tag:yaml.org,2002:float",
  null: "tag:yaml.org,2002:null",
  timestamp: "tag:yaml.org,2002:timestamp",
  binary: "tag:yaml.org,2002:binary",
  merge: "tag:yaml.org,2002:merge",
  map: "tag:yaml.org,2002:map",
  seq: "tag:yaml.org,2002:seq",
} as const;

/** A resolved scalar: ints stay exact (bigint), uint64 beyond int64 is flagged. */
export type Resolved = { tag: string; value: null | boolean | string | number | bigint; uint?: boolean };

const fixed: Record<string, Resolved> = {};
function add(value: Resolved["value"], tag: string, names: string[]) {
  for (const n of names) fixed[n] = { tag, value };
}
add(true, TAG.bool, ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
add(false, TAG.bool, ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);
add(null, TAG.null, ["", "~", "null", "Null", "NULL"]);
add(NaN, TAG.float, [".nan", ".NaN", ".NAN"]);
add(Infinity, TAG.float, [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]);
add(-Infinity, TAG.float, ["-.inf", "-.Inf", "-.INF"]);
add("<<", TAG.merge, ["<<"]);

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const base60float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

const resolvable = new Set<string>(["", TAG.str, TAG.bool, TAG.int, TAG.float, TAG.null, TAG.timestamp]);

/** The first character class yaml.v2 dispatches on. */
function hint(c: string | undefined): string {
  if (c === undefined) return "N";
  if (c === "+" || c === "-") return "S";
  if (c >= "0" && c <= "9") return "D";
  if ("yYnNtTfFoO~".includes(c)) return "M";
  if (c === ".") return ".";
  return "";
}

/** strconv.ParseFloat acceptance for the decimal forms yaml.v2 hands it; range errors fail. */
function parseFloat64(s: string): number | undefined {
  const clean = s.includes("_") ? underscoreFree(s) : s;
  if (clean === undefined || !/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(clean)) return undefined;
  const n = Number(clean);
  return Number.isFinite(n) ? n : undefined;
}

/** Go accepts underscores in ParseFloat only between digits. */
function underscoreFree(s: string): string | undefined {
  return /(^|[^0-9])_|_($|[^0-9])/.test(s) ? undefined : s.replace(/_/g, "");
}

export function resolve(tag: string, input: string): Resolved {
  if (!resolvable.has(tag)) return { tag, value: input };
  const out = resolvePlain(tag, input);
  if (tag === "" || tag === out.tag || tag === TAG.str) return tag === TAG.str ? { tag, value: input } : out;
  if (tag === TAG.float && out.tag === TAG.int && typeof out.value === "bigint" && !out.uint) {
    return { tag: TAG.float, value: Number(out.value) };
  }
  throw new Error(`yaml: cannot decode ${shortTag(out.tag)} \`${input}\` as a ${shortTag(tag)}`);
}

function resolvePlain(tag: string, input: string): Resolved {
  const h = hint(input[0]);
  if (h === "" || tag === TAG.str) return { tag: TAG.str, value: input };
  const known = fixed[input];
  if (known) return known;
  if (h === ".") {
    const f = parseFloat64(input);
    if (f !== undefined) return { tag: TAG.float, value: f };
  } else if (h === "D" || h === "S") {
    if ((tag === "" || tag === TAG.timestamp) && isTimestamp(input)) return { tag: TAG.timestamp, value: input };
    const plain = input.replace(/_/g, "");
    const i = parseIntBase0(plain);
    if (i !== undefined) return { tag: TAG.int, value: i };
    const u = parseUintBase0(plain);
    if (u !== undefined) return { tag: TAG.int, value: u, uint: true };
    if (yamlStyleFloat.test(plain)) {
      const f = parseFloat64(plain);
      if (f !== undefined) return { tag: TAG.float, value: f };
    }
    if (plain.startsWith("0b")) {
      const b = parseIntBase(plain.slice(2), 2);
      if (b !== undefined) return { tag: TAG.int, value: b };
      const ub = parseUintBase2(plain.slice(2));
      if (ub !== undefined) return { tag: TAG.int, value: ub, uint: true };
    } else if (plain.startsWith("-0b")) {
      const b = parseIntBase(`-${plain.slice(3)}`, 2);
      if (b !== undefined) return { tag: TAG.int, value: b };
    }
  }
  return { tag: TAG.str, value: input };
}

export function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice(18)}` : tag;
}

export function isBase60Float(s: string): boolean {
  if (s === "" || !/^[-+0-9]/.test(s) || !s.includes(":")) return false;
  return base60float.test(s);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS[m - 1]!);
}

/** yaml.v2's parseTimestamp: the layouts it tries with Go's time.Parse. */
export function isTimestamp(s: string): boolean {
  if (!/^[0-9]{4}-/.test(s)) return false;
  const date = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})/.exec(s);
  if (!date) return false;
  if (!validDate(Number(date[1]), Number(date[2]), Number(date[3]))) return false;
  const rest = s.slice(date[0].length);
  if (rest === "") return true;
  const time = /^([Tt ])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})([.,][0-9]+)?(.*)$/.exec(rest);
  if (!time) return false;
  if (Number(time[2]) > 23 || Number(time[3]) > 59 || Number(time[4]) > 59) return false;
  const zone = time[6]!;
  if (time[1] === " ") return zone === "";
  if (zone === "Z") return true;
  const z = /^[+-]([0-9]{2}):([0-9]{2})$/.exec(zone);
  return z !== null && Number(z[1]) <= 24 && Number(z[2]) <= 60;
}
