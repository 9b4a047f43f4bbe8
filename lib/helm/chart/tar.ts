/**
 * A tar reader with the parts of Go's archive/tar that chart packages use: ustar names with the
 * prefix field, GNU long names, PAX path and size records. Entries come in archive order, as
 * Helm's loader reads them.
 */
export interface TarEntry {
  name: string;
  /** The typeflag as Go normalizes it: "0" file, "5" directory, "x"/"g" PAX, others as written. */
  type: string;
  data: Buffer;
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString("utf8");
}

function octal(header: Buffer, start: number, length: number): number {
  const text = field(header, start, length).trim();
  return text === "" ? 0 : parseInt(text, 8);
}

function validChecksum(header: Buffer): boolean {
  const want = octal(header, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return want === unsigned || want === signed;
}

/** PAX records: "%d key=value\n" repeated, the length counting bytes. */
function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString("latin1"));
    if (space < 0 || !(length > 0)) break;
    const kv = data.subarray(space + 1, at + length - 1).toString("utf8");
    const eq = kv.indexOf("=");
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
    at += length;
  }
  return out;
}

/** Every entry of an uncompressed tar stream; throws "archive/tar: invalid tar header" as Go does. */
export function readTarEntries(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    if (!validChecksum(header)) throw new Error("archive/tar: invalid tar header");
    let type = String.fromCharCode(header[156]!);
    const size = pax.size !== undefined ? Number(pax.size) : octal(header, 124, 12);
    const data = archive.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = data.toString("utf8").replace(/\0+$/, "");
      continue;
    }
    if (type === "x") {
      pax = paxRecords(data);
      continue;
    }
    const magic = field(header, 257, 6);
    const prefix = magic.startsWith("ustar") ? field(header, 345, 155) : "";
    let name = field(header, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    name = pax.path ?? longName ?? name;
    if (type === "\0" || type === "7") type = name.endsWith("/") ? "5" : "0";
    entries.push({ name, type, data });
    longName = undefined;
    pax = {};
  }
  return entries;
}

/** Regular files of an archive by path (what the chart schema reader wants). */
export function readTar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const e of readTarEntries(archive)) if (e.type === "0") files.set(e.name, e.data);
  return files;
}
