/**
 * Checks a Server Action request's body before Next.js decodes it: Next.js answers a payload it
 * cannot decode with a 500, as if the portal were broken, when the client sent nonsense. The
 * browser's own calls always pass; what fails here is refused with 400 by the proxy.
 *
 * The body is React's reply encoding: text/plain with a JSON argument list, or multipart with the
 * list in field "0" and other values in fields it references as "$<id>", "$@<id>", "$Q<id>"… (ids in
 * hex; "$K<id>" names a FormData whose fields are prefixed "<id>_"). Plain text has no other parts,
 * so a reference there is always broken.
 */
export async function isDecodableActionPayload(contentType: string, body: string): Promise<boolean> {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "text/plain") return argumentsValid(body, null);
  if (type === "multipart/form-data") {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    } catch {
      return false;
    }
    const args = form.get("0");
    // A form posted without JavaScript carries its fields and no argument list: Next.js reads it as a form.
    if (args === null) return true;
    return typeof args === "string" && argumentsValid(args, form);
  }
  return type === "application/x-www-form-urlencoded";
}

// Values React writes inline: escaped strings, special numbers, bigints, dates.
const INLINE = /^\$(\$|undefined$|NaN$|Infinity$|-Infinity$|-0$|n-?\d+$|D)/;
const REFERENCE = /^\$([A-Za-z@]?)([0-9a-f]+)$/;

/** `parts` is the multipart body, or null for plain text, which has no parts to reference. */
function argumentsValid(json: string, parts: FormData | null): boolean {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return false;
  }
  return Array.isArray(value) && referencesResolve(value, parts);
}

function referencesResolve(value: unknown, parts: FormData | null): boolean {
  if (typeof value === "string") {
    if (!value.startsWith("$") || INLINE.test(value)) return true;
    const match = value.match(REFERENCE);
    if (!match) return false;
    if (!parts) return false;
    const [, kind, id] = match;
    // A FormData argument's fields ("<id>_name") may be none at all (an empty form); any other reference names a part.
    return kind === "K" || parts.has(id!);
  }
  if (Array.isArray(value)) return value.every((v) => referencesResolve(v, parts));
  if (value && typeof value === "object") return Object.values(value).every((v) => referencesResolve(v, parts));
  return true;
}
