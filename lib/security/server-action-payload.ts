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
  return (await actionPayloadVerdict(contentType, body)) !== "undecodable";
}

/**
 * What the proxy answers a Server Action body with: "undecodable" (Next.js could not read it),
 * "wrong-shape" (it could, but it is not a form action's call), or "ok".
 *
 * Every Server Action of the portal is a form action used with `useActionState`: React calls it
 * with the previous state (null or an object) and the form's FormData, which it sends as a "$K"
 * reference. Anything else (`[{"ok":null}]`, a FormData missing, extra arguments) would reach the
 * action with a wrong argument and fail as a server error, so it is refused with 400 here. A form
 * posted without JavaScript has no argument list; Next.js hands the action the form itself.
 */
export async function actionPayloadVerdict(contentType: string, body: string): Promise<"ok" | "undecodable" | "wrong-shape"> {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  let args: unknown;
  if (type === "text/plain") {
    args = parseArguments(body, null);
  } else if (type === "multipart/form-data") {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    } catch {
      return "undecodable";
    }
    const list = form.get("0");
    if (list === null) return "ok";
    args = typeof list === "string" ? parseArguments(list, form) : undefined;
  } else {
    return type === "application/x-www-form-urlencoded" ? "ok" : "undecodable";
  }
  if (args === undefined) return "undecodable";
  return isFormActionCall(args as unknown[]) ? "ok" : "wrong-shape";
}

const FORM_DATA_REFERENCE = /^\$K[0-9a-f]+$/;

function isFormActionCall(args: unknown[]): boolean {
  const [state, form] = args;
  return args.length === 2 && (state === null || (typeof state === "object" && !Array.isArray(state))) && typeof form === "string" && FORM_DATA_REFERENCE.test(form);
}

// Values React writes inline: escaped strings, special numbers, bigints, dates.
const INLINE = /^\$(\$|undefined$|NaN$|Infinity$|-Infinity$|-0$|n-?\d+$|D)/;
const REFERENCE = /^\$([A-Za-z@]?)([0-9a-f]+)$/;

/** The argument list when it decodes, else undefined. `parts` is the multipart body, or null for plain text, which has no parts to reference. */
function parseArguments(json: string, parts: FormData | null): unknown[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  return Array.isArray(value) && referencesResolve(value, parts) ? value : undefined;
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
