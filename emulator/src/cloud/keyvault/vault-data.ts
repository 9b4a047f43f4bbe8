/**
 * What each vault holds — secrets with their values, keys with their private halves — in a file of
 * its own, `<dataDir>/keyvault/<vault>.json` (mode 0600), apart from the cloud's state file: the
 * control API dumps that state, and nothing in these files is ever served but through the data
 * plane's own answers (which carry no private key). A soft-deleted vault keeps its file; a purge
 * removes it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { JsonWebKey } from "node:crypto";

export interface ObjectAttributes {
  enabled: boolean;
  /** Unix seconds, as Key Vault answers them. */
  created: number;
  updated: number;
  nbf?: number;
  exp?: number;
}

export interface SecretVersion extends ObjectAttributes {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
}

export interface KeyVersion extends ObjectAttributes {
  version: string;
  kty: string;
  keyOps: string[];
  /** The RSA private key as a JWK: never leaves the emulator. */
  privateJwk: JsonWebKey;
  tags?: Record<string, string>;
}

/** When an object was deleted and when the service would purge it (unix seconds). */
export interface Deletion {
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface StoredObject<V> {
  name: string;
  /** Oldest first; the last is the current version. */
  versions: V[];
  deleted?: Deletion;
}

export interface VaultData {
  secrets: Record<string, StoredObject<SecretVersion>>;
  keys: Record<string, StoredObject<KeyVersion>>;
}

const empty = (): VaultData => ({ secrets: {}, keys: {} });

export class VaultDataStore {
  private readonly cache = new Map<string, VaultData>();
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, "keyvault");
  }

  private file(vault: string) {
    return path.join(this.dir, `${vault.toLowerCase()}.json`);
  }

  /** The vault's data, read from its file on first use. */
  get(vault: string): VaultData {
    const key = vault.toLowerCase();
    let data = this.cache.get(key);
    if (!data) {
      const file = this.file(key);
      data = existsSync(file) ? { ...empty(), ...(JSON.parse(readFileSync(file, "utf8")) as VaultData) } : empty();
      this.cache.set(key, data);
    }
    return data;
  }

  /** Writes the vault's data at once (temp file and rename, so a crash leaves the old or the new). */
  save(vault: string) {
    const key = vault.toLowerCase();
    const data = this.cache.get(key);
    if (!data) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file(key)}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    renameSync(tmp, this.file(key));
  }

  /** The vault is purged: its secrets and keys are gone for good. */
  remove(vault: string) {
    this.cache.delete(vault.toLowerCase());
    rmSync(this.file(vault), { force: true });
  }

  reset() {
    this.cache.clear();
    if (!existsSync(this.dir)) return;
    for (const f of readdirSync(this.dir)) rmSync(path.join(this.dir, f), { force: true });
  }
}
