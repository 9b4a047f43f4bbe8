import type { Json } from "../store.js";
import { KubeError } from "./status.js";

/**
 * Newer kubectl sends built-in kinds as Kubernetes protobuf (`kubectl create namespace` and
 * friends) and has no fallback to JSON. This decodes the few kinds those commands create; the
 * answer goes back as JSON, which client-go reads by its content type.
 */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Fields = Map<number, Buffer[]>;

function varint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error("truncated varint");
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, pos];
    shift += 7;
  }
}

/** Length-delimited fields by number; other wire types are skipped (no kind decoded here needs them). */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [key, next] = varint(buf, pos);
    pos = next;
    const wire = key & 7;
    if (wire === 0) pos = varint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [length, start] = varint(buf, pos);
      const list = out.get(key >>> 3) ?? [];
      list.push(buf.subarray(start, start + length));
      out.set(key >>> 3, list);
      pos = start + length;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const str = (f: Fields, n: number) => f.get(n)?.[0]?.toString("utf8");

function map(f: Fields, n: number, encode: (b: Buffer) => string = (b) => b.toString("utf8")): Record<string, string> | undefined {
  const entries = f.get(n);
  if (!entries) return undefined;
  return Object.fromEntries(entries.map((e) => fields(e)).map((kv) => [str(kv, 1) ?? "", encode(kv.get(2)?.[0] ?? Buffer.alloc(0))]));
}

function objectMeta(buf: Buffer | undefined): Json {
  const f = fields(buf ?? Buffer.alloc(0));
  const meta: Json = { name: str(f, 1), generateName: str(f, 2), namespace: str(f, 3), labels: map(f, 11), annotations: map(f, 12) };
  return Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined));
}

export const isProtobuf = (contentType: string) => contentType === "application/vnd.kubernetes.protobuf";

export function decodeProtobuf(body: Buffer): Json {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new KubeError(400, "BadRequest", "protobuf body without the k8s envelope");
  const envelope = fields(body.subarray(4));
  const typeMeta = fields(envelope.get(1)?.[0] ?? Buffer.alloc(0));
  const apiVersion = str(typeMeta, 1);
  const kind = str(typeMeta, 2);
  const raw = fields(envelope.get(2)?.[0] ?? Buffer.alloc(0));
  const obj: Json = { apiVersion, kind, metadata: objectMeta(raw.get(1)?.[0]) };
  switch (kind) {
    case "Namespace":
    case "ServiceAccount":
      return obj;
    case "Secret":
      return { ...obj, data: map(raw, 2, (b) => b.toString("base64")), type: str(raw, 3), stringData: map(raw, 4) };
    case "ConfigMap":
      return { ...obj, data: map(raw, 2), binaryData: map(raw, 3, (b) => b.toString("base64")) };
    default:
      throw new KubeError(415, "UnsupportedMediaType", `this emulated API server reads ${String(kind)} as JSON only; use kubectl apply -f, or --output json`);
  }
}
