import type { EmulatorPart } from "../http.js";
import type { TlsMaterial } from "../tls.js";

export interface CloudOptions {
  /** Base URL of the emulator, e.g. https://localhost:8443 */
  baseUrl: string;
  dataDir: string;
  tls: TlsMaterial;
  chartSchemaPath?: string;
}

export async function createCloud(_options: CloudOptions): Promise<EmulatorPart> {
  return { handle: () => false };
}
