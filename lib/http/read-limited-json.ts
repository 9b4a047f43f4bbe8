/**
 * Reads a JSON body of at most `limit` bytes. A declared Content-Length over the limit is refused
 * before a byte is read, and a body without one (chunked) is read only up to the limit, so a
 * client cannot make the server buffer megabytes to be told the body was too long.
 */
export async function readLimitedJson(request: Request, limit: number): Promise<{ ok: true; value: unknown } | { ok: false; reason: "too-large" | "malformed" }> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return { ok: false, reason: "too-large" };
  if (!request.body) return { ok: false, reason: "malformed" };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: "too-large" };
    }
    chunks.push(value);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, reason: "malformed" };
  }
}
