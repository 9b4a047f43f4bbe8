/**
 * Sprig's TxtFuncMap as Helm 3.19 builds it, without env and expandenv: Sprig 3.3.0, which is 3.2.3
 * plus sha512sum, camelcase through xstrings 1.5, merge on dario.cat/mergo 1.0.1 and Masterminds/semver
 * 3.4.0. Each function is declared with its Go signature for the template executor.
 */
import { fn, GoError } from "./func";
import { cryptoFunctions } from "./crypto";
import { dateFunctions } from "./dates";
import { dictFunctions } from "./dicts";
import { defaultFunctions } from "./defaults";
import { encodingFunctions } from "./encoding";
import { jsonFunctions } from "./json";
import { listFunctions } from "./lists";
import { mathFunctions } from "./math";
import { pathFunctions } from "./paths";
import { randomFunctions, type RandomMode } from "./random";
import { regexFunctions } from "./regex-funcs";
import { semverFunctions } from "./semver-funcs";
import { stringFunctions } from "./strings";
import { urlFunctions } from "./url";
import type { GoFunc } from "../value";

export interface SprigOptions {
  /** "deterministic" replaces the random functions with fixed outputs, as conformance tests need. */
  random?: RandomMode;
}

export function sprigFunctions(options: SprigOptions = {}): Record<string, GoFunc> {
  return {
    hello: fn([], "string", () => "Hello!"),
    fail: fn(["string"], "string", (msg) => {
      throw new GoError(msg);
    }, { returnsError: true }),
    ...stringFunctions,
    ...mathFunctions,
    ...defaultFunctions,
    ...dateFunctions,
    ...listFunctions,
    ...dictFunctions,
    ...encodingFunctions,
    ...jsonFunctions,
    ...pathFunctions,
    ...regexFunctions,
    ...semverFunctions,
    ...urlFunctions,
    ...randomFunctions(options.random ?? "crypto"),
    ...cryptoFunctions(options.random ?? "crypto"),
  };
}
