/**
 * How Go's fmt prints one operand of each kind in the value model (fmt/print.go's printArg and
 * printValue): verbs per type, the %!verb(type=value) error form, maps sorted by key, structs in
 * field order, String methods for %v/%s/%q/%x.
 */
import { GoFmt, LDIGITS, UDIGITS } from "./fmt-format";
import { GO_TYPE, GoInt, GoStruct, goTypeName, isGoFunc, type GoFunc, type GoValue } from "./value";

const UNSIGNED = new Set(["uint", "uint64", "uint32", "uint16", "uint8"]);

/** Go's %T, including the types Sprig marks on maps and slices, and functions' signatures. */
export function goTypeString(v: GoValue): string {
  if (isGoFunc(v)) return funcTypeString(v);
  if (typeof v === "object" && v !== null && !(v instanceof GoInt) && !(v instanceof GoStruct)) {
    const marked = (v as { [GO_TYPE]?: string })[GO_TYPE];
    if (marked) return marked;
  }
  return goTypeName(v);
}

function funcTypeString(f: GoFunc): string {
  const params: string[] = [...f.params];
  if (f.variadic) params.push("..." + f.variadic);
  const result = f.returnsError ? `(${f.result}, error)` : f.result;
  return `func(${params.join(", ")}) ${result}`;
}

/** Go's sort order for strings: by UTF-8 bytes, which is code point order. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after the rest of the BMP in UTF-8.
    const sx = x >= 0xd800 && x < 0xe000 ? x + 0x10000 : x;
    const sy = y >= 0xd800 && y < 0xe000 ? y + 0x10000 : y;
    return sx < sy ? -1 : 1;
  }
  return a.length - b.length;
}

export function isStringKind(v: GoValue): boolean {
  return typeof v === "string" || (v instanceof GoStruct && v.kind === "string");
}

export class ValuePrinter extends GoFmt {
  /** The operand being printed when the error forms need its type (print.go's p.arg/p.value). */
  private arg: GoValue = undefined;
  private erroring = false;

  badVerb(verb: string, v: GoValue = this.arg): void {
    this.erroring = true;
    this.out += "%!" + verb + "(";
    if (v === null || v === undefined) this.out += "<nil>";
    else {
      this.out += goTypeString(v) + "=";
      this.printArg(v, "v");
    }
    this.out += ")";
    this.erroring = false;
  }

  private printInteger(v: bigint, signed: boolean, verb: string): void {
    switch (verb) {
      case "v":
        if (this.sharpV && !signed) this.fmt0x64(v, true);
        else this.fmtInteger(v, 10, signed, verb);
        return;
      case "d":
        return this.fmtInteger(v, 10, signed, verb);
      case "b":
        return this.fmtInteger(v, 2, signed, verb);
      case "o":
      case "O":
        return this.fmtInteger(v, 8, signed, verb);
      case "x":
        return this.fmtInteger(v, 16, signed, verb, LDIGITS);
      case "X":
        return this.fmtInteger(v, 16, signed, verb, UDIGITS);
      case "c":
        return this.fmtC(BigInt.asUintN(64, v));
      case "q":
        return this.fmtQc(BigInt.asUintN(64, v));
      case "U":
        return this.fmtUnicode(BigInt.asUintN(64, v));
      default:
        return this.badVerb(verb);
    }
  }

  private fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.sharp;
    this.sharp = leading0x;
    this.fmtInteger(v, 16, false, "v", LDIGITS);
    this.sharp = sharp;
  }

  private fmtFloat64(v: number, verb: string): void {
    switch (verb) {
      case "v":
        return this.fmtFloat(v, "g", -1);
      case "b":
      case "g":
      case "G":
      case "x":
      case "X":
        return this.fmtFloat(v, verb, -1);
      case "f":
      case "e":
      case "E":
        return this.fmtFloat(v, verb, 6);
      case "F":
        return this.fmtFloat(v, "f", 6);
      default:
        return this.badVerb(verb);
    }
  }

  private fmtString(v: string, verb: string): void {
    switch (verb) {
      case "v":
        if (this.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case "s":
        return this.fmtS(v);
      case "x":
      case "X":
        return this.fmtSx(v, verb === "X");
      case "q":
        return this.fmtQ(v);
      default:
        return this.badVerb(verb);
    }
  }

  /** Go calls String() for these verbs (not for %#v, and not while printing an error form). */
  private handleMethods(v: GoValue, verb: string): boolean {
    if (this.erroring || !(v instanceof GoStruct) || !v.stringer || this.sharpV) return false;
    if (verb !== "v" && verb !== "s" && verb !== "x" && verb !== "X" && verb !== "q") return false;
    this.fmtString(v.stringer(), verb);
    return true;
  }

  printArg(arg: GoValue, verb: string): void {
    this.arg = arg;
    if (arg === null || arg === undefined) {
      if (verb === "T" || verb === "v") this.pad("<nil>");
      else this.badVerb(verb, null);
      return;
    }
    if (verb === "T") return this.fmtS(goTypeString(arg));
    if (verb === "p") return this.fmtPointer(arg, verb);
    this.printValue(arg, verb, 0);
  }

  private fmtPointer(v: GoValue, verb: string): void {
    const isPointer = isGoFunc(v) || Array.isArray(v) || (v instanceof GoStruct && v.kind === "ptr") ||
      (typeof v === "object" && v !== null && !(v instanceof GoInt) && !(v instanceof GoStruct));
    if (!isPointer) return this.badVerb(verb, v);
    // A Go address differs from run to run; any fixed non-zero value prints as Go's would in form.
    const u = 0xc000010000n;
    if (verb === "v" && this.sharpV) this.out += "(" + goTypeString(v) + ")(0x" + u.toString(16) + ")";
    else if (verb === "v" || verb === "p") this.fmt0x64(u, !this.sharp);
    else if ("bodxX".includes(verb)) this.printInteger(u, false, verb);
    else this.badVerb(verb, v);
  }

  private printValue(v: GoValue, verb: string, depth: number): void {
    if (this.handleMethods(v, verb)) return;
    this.arg = v;
    if (v === null || v === undefined) {
      // A nil interface inside a map, slice or struct.
      this.out += this.sharpV ? "interface {}(nil)" : "<nil>";
      return;
    }
    switch (typeof v) {
      case "boolean":
        if (verb === "t" || verb === "v") this.fmtBoolean(v);
        else this.badVerb(verb);
        return;
      case "number":
        return this.fmtFloat64(v, verb);
      case "bigint":
        return this.printInteger(v, true, verb);
      case "string":
        return this.fmtString(v, verb);
    }
    if (v instanceof GoInt) return this.printInteger(v.value, !UNSIGNED.has(v.type), verb);
    if (isGoFunc(v)) return this.fmtPointer(v, verb);
    if (Array.isArray(v)) return this.printList(v, verb, depth);
    if (v instanceof GoStruct) return this.printStruct(v, verb, depth);
    return this.printMap(goTypeString(v), v, verb, depth);
  }

  private printList(v: GoValue[], verb: string, depth: number): void {
    if (this.sharpV) {
      this.out += goTypeString(v) + "{";
      v.forEach((e, i) => {
        if (i > 0) this.out += ", ";
        this.printValue(e, verb, depth + 1);
      });
      this.out += "}";
      return;
    }
    this.out += "[";
    v.forEach((e, i) => {
      if (i > 0) this.out += " ";
      this.printValue(e, verb, depth + 1);
    });
    this.out += "]";
  }

  private printMap(type: string, m: Record<string, GoValue>, verb: string, depth: number): void {
    this.out += this.sharpV ? type + "{" : "map[";
    const keys = Object.keys(m).sort(compareGoStrings);
    keys.forEach((k, i) => {
      if (i > 0) this.out += this.sharpV ? ", " : " ";
      this.printValue(k, verb, depth + 1);
      this.out += ":";
      this.printValue(m[k], verb, depth + 1);
    });
    this.out += this.sharpV ? "}" : "]";
  }

  private printStruct(v: GoStruct, verb: string, depth: number): void {
    if (v.kind === "map") return this.printMap(v.typeName, v.fields, verb, depth);
    let type = v.typeName;
    if (v.kind === "ptr") {
      // Go prints &{…} for a pointer operand and an address for a pointer inside a value.
      if (depth > 0) return this.fmtPointer(v, verb);
      this.out += "&";
      type = type.replace(/^\*/, "");
    }
    if (this.sharpV) this.out += type;
    this.out += "{";
    Object.entries(v.fields).forEach(([name, field], i) => {
      if (i > 0) this.out += this.sharpV ? ", " : " ";
      if (this.plusV || this.sharpV) this.out += name + ":";
      this.printValue(field, verb, depth + 1);
    });
    this.out += "}";
  }
}
