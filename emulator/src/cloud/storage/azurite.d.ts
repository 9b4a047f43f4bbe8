/**
 * The small part of Azurite's blob server the emulator runs in process; the package ships no type
 * declarations for these modules.
 */
declare module "azurite/dist/src/blob/BlobConfiguration" {
  export default class BlobConfiguration {
    constructor(
      host?: string,
      port?: number,
      keepAliveTimeout?: number,
      metadataDBPath?: string,
      extentDBPath?: string,
      persistencePathArray?: { locationId: string; locationPath: string; maxConcurrency: number }[],
      enableAccessLog?: boolean,
      accessLogWriteStream?: NodeJS.WritableStream,
      enableDebugLog?: boolean,
      debugLogFilePath?: string,
      loose?: boolean,
      skipApiVersionCheck?: boolean,
      cert?: string,
      key?: string,
      pwd?: string,
      oauth?: string,
      disableProductStyleUrl?: boolean,
      isMemoryPersistence?: boolean,
    );
  }
}

declare module "azurite/dist/src/blob/BlobServer" {
  import type BlobConfiguration from "azurite/dist/src/blob/BlobConfiguration";

  export default class BlobServer {
    constructor(configuration?: BlobConfiguration);
    readonly accountDataStore: { refresh(): void };
    start(): Promise<void>;
    close(): Promise<void>;
    clean(): Promise<void>;
    getHttpServerAddress(): string;
  }
}
