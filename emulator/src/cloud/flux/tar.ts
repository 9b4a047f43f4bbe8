import { gzipSync } from "node:zlib";

/** A ustar header field: text, NUL-padded to its width. */
function field(block: Buffer, offset: number, width: number, value: string) {
  block.write(value.slice(0, width), offset, width, "utf8");
}

const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, "0")}\0`;

/**
 * A gzipped ustar archive of regular files, the format `helm package` writes and `helm pull` /
 * Flux's source-controller read. Deterministic: the same files and mtime give the same bytes, so a
 * chart's digest in the repository index stays put.
 */
export function tarGz(files: { path: string; content: string | Buffer }[], mtime: Date): Buffer {
  const blocks: Buffer[] = [];
  const seconds = Math.floor(mtime.getTime() / 1000);
  for (const file of files) {
    const data = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, "utf8");
    if (Buffer.byteLength(file.path) > 100) throw new Error(`tar: path longer than 100 bytes: ${file.path}`);
    const header = Buffer.alloc(512);
    field(header, 0, 100, file.path);
    field(header, 100, 8, octal(0o644, 8));
    field(header, 108, 8, octal(0, 8));
    field(header, 116, 8, octal(0, 8));
    field(header, 124, 12, octal(data.length, 12));
    field(header, 136, 12, octal(seconds, 12));
    field(header, 148, 8, "        "); // the checksum is computed with its own field as spaces
    field(header, 156, 1, "0");
    field(header, 257, 6, "ustar\0");
    field(header, 263, 2, "00");
    let sum = 0;
    for (const byte of header) sum += byte;
    field(header, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024)); // two zero blocks end the archive
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}
