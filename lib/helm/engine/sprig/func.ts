/**
 * Declaring Sprig's functions with their Go signatures. The executor converts each argument to the
 * declared type first, so a body receives exactly the JavaScript type below.
 */
import type { GoFunc, GoInt, GoMap, GoType, GoValue } from "../value";

type TsOf<T extends GoType> = T extends "string"
  ? string
  : T extends "bool"
    ? boolean
    : T extends "int"
      ? bigint
      : T extends "int64"
        ? GoInt
        : T extends "float64"
          ? number
          : T extends "[]interface {}"
            ? GoValue[] | null
            : T extends "[]string"
              ? string[] | null
              : T extends "map[string]interface {}"
                ? GoMap | null
                : GoValue;

type TsArgs<P extends readonly GoType[]> = { [K in keyof P]: P[K] extends GoType ? TsOf<P[K]> : never };

interface Options<V extends GoType | undefined> {
  variadic?: V;
  returnsError?: boolean;
}

/** A function with fixed parameters only. */
export function fn<const P extends readonly GoType[]>(
  params: P,
  result: GoType,
  call: (...args: TsArgs<P>) => GoValue,
  options: { returnsError?: boolean } = {},
): GoFunc {
  return { params, result, returnsError: options.returnsError, call: call as GoFunc["call"] };
}

/** A function whose last parameter is `...V`: the variadic arguments arrive as one array. */
export function variadic<const P extends readonly GoType[], V extends GoType>(
  params: P,
  rest: V,
  result: GoType,
  call: (...args: [...TsArgs<P>, TsOf<V>[]]) => GoValue,
  options: Options<V> = {},
): GoFunc {
  const n = params.length;
  const wrapped = (...args: GoValue[]) => (call as (...a: unknown[]) => GoValue)(...args.slice(0, n), args.slice(n));
  return { params, variadic: rest, result, returnsError: options.returnsError, call: wrapped };
}

/** A Go panic or returned error inside a function: text/template reports its message. */
export class GoError extends Error {}

/** What Go's runtime panics with when a function dereferences a nil reflect type. */
export const NIL_DEREFERENCE = "runtime error: invalid memory address or nil pointer dereference";
