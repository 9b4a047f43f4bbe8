import type { FluxRelease } from "../store.js";

/**
 * The microsoft.flux versions the emulator installs, and the helm-controller each ships with the
 * Helm it is built on (Microsoft's Flux release notes): 1.23.0 brings Flux 2.7.5 with
 * helm-controller 1.4.5 on Helm 3.19.2; 1.22.x and 1.21.x bring helm-controller 1.3 on Helm 3.17.
 * Microsoft supports the newest version and the two before it; others are refused.
 */
const LINES: { matches: RegExp; helmControllerVersion: string; helmVersion: string }[] = [
  { matches: /^1\.23\.0$/, helmControllerVersion: "1.4.5", helmVersion: "3.19.2" },
  { matches: /^1\.2[12]\.\d+$/, helmControllerVersion: "1.3", helmVersion: "3.17" },
];

/** What an auto-upgrading extension runs. */
export const NEWEST_FLUX_VERSION = "1.23.0";

/** The release of a known extension version; undefined for one the emulator does not know. */
export function fluxRelease(version: string): FluxRelease | undefined {
  const line = LINES.find((l) => l.matches.test(version));
  if (!line) return undefined;
  return { extensionVersion: version, helmControllerVersion: line.helmControllerVersion, helmVersion: line.helmVersion };
}
