import { z } from "zod";
import { DECEPTIVE_TEXT_MESSAGE, hasDeceptiveCharacters } from "@/lib/text-safety";
import { EXECUTORS, SIZES, type Catalog } from "./catalog";
import { isAllowedDagHost, isForbiddenRepositoryHost } from "./dag-repository";
import { NAME_MAX, NAME_MIN, NAME_PATTERN } from "./naming";

import { PURPOSE_MAX } from "./request-limits";

export { PURPOSE_MAX };
const EXPIRY_MAX_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

const optionalText = (schema: z.ZodString) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

/**
 * A git branch name as git-sync will check it out; refuses what `git check-ref-format --branch`
 * refuses: a leading "-" (it would read as an option), "..", "@{", a lone "@", components that start
 * with "." or end with ".lock", empty components, a trailing "." and control or special characters.
 */
const BRANCH_PATTERN = /^(?!-|@$|\/|\.|.*\/\/|.*\/\.|.*\/$|.*\.\.|.*@\{|.*\.lock(\/|$)|.*\.$)[^\s~^:?*[\\\x00-\x1f\x7f]+$/;
/** A relative folder inside the repository: no leading slash, no `..`. */
const SUB_PATH_PATTERN = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\w./-]+$/;

/** Today's date in UTC as YYYY-MM-DD, the form the date input uses. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The first and last expiry dates the schema accepts, for the date picker's bounds. */
export function expiryBounds(now: Date = new Date()): { min: string; max: string } {
  return { min: isoDate(new Date(now.getTime() + DAY_MS)), max: isoDate(new Date(now.getTime() + EXPIRY_MAX_DAYS * DAY_MS)) };
}

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && isoDate(date) === value;
}

/** A DAG repository URL: https, no credentials, a public host the platform allows. */
export const dagRepoUrlField = (catalog: Catalog) =>
  z
    .string()
    .trim()
    .max(500, "Keep the repository URL under 500 characters.")
    .regex(/^https:\/\/[^\s/@]+(:\d+)?\/\S+$/, "Enter an https:// URL of a git repository, such as https://github.com/org/dags.git.")
    // A token in the URL would be stored and shown to everyone who can see the environment.
    .refine((v) => !/[?#]/.test(v), "Leave credentials and parameters out of the URL; access to a private repository is set up separately.")
    .refine((v) => !isForbiddenRepositoryHost(v), "Use the repository's public host name: IP addresses on loopback, link-local or private networks, IP addresses not written as a.b.c.d, and names such as localhost or *.internal are not allowed.")
    .refine((v) => isAllowedDagHost(v, catalog.dagHosts), `Use a repository on ${catalog.dagHosts?.join(", ") ?? "an allowed host"}.`);

export const dagBranchField = z.string().trim().max(255, "Keep the branch under 255 characters.").regex(BRANCH_PATTERN, "Enter a valid git branch name.");

export const dagSubPathField = z
  .string()
  .trim()
  .max(255, "Keep the path under 255 characters.")
  .regex(SUB_PATH_PATTERN, "Enter a folder inside the repository, such as dags or airflow/dags.");

/** An expiry date: a real YYYY-MM-DD after `now`'s day, within a year. */
export function expiryField(now: Date = new Date()) {
  const today = isoDate(now);
  const latest = expiryBounds(now).max;
  return z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date as YYYY-MM-DD.")
    .refine(isRealDate, "Enter a real date.")
    .refine((v) => v > today, "Choose a date after today.")
    .refine((v) => v <= latest, `Choose a date within ${EXPIRY_MAX_DAYS} days.`);
}

export const DAG_SOURCE_NEEDS_REPOSITORY = "Enter the repository the branch and path belong to.";

/**
 * The request for a new environment, shared by the form (live messages) and the Server Action
 * (the check that counts). `now` fixes "today" for the expiry rule.
 */
export function makeRequestSchema(catalog: Catalog, now: Date = new Date()) {
  return z
    .object({
      name: z
        .string({ error: "Enter a name." })
        .trim()
        .min(NAME_MIN, `Use at least ${NAME_MIN} characters.`)
        .max(NAME_MAX, `Use at most ${NAME_MAX} characters: the name becomes part of Azure resource names.`)
        .regex(
          NAME_PATTERN,
          "Use lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit.",
        )
        .refine((v) => !v.includes("--"), "Do not use two hyphens in a row."),
      team: z.string({ error: "Choose a team." }).min(1, "Choose a team."),
      purpose: z
        .string({ error: "Describe what the environment is for." })
        .trim()
        .min(1, "Describe what the environment is for.")
        .max(PURPOSE_MAX, `Keep the purpose under ${PURPOSE_MAX} characters.`)
        .refine((v) => !hasDeceptiveCharacters(v), DECEPTIVE_TEXT_MESSAGE),
      region: z.enum(catalog.regions as [string, ...string[]], { error: "Choose one of the offered regions." }),
      size: z.enum(SIZES, { error: "Choose a size." }),
      executor: z.enum(EXECUTORS, { error: "Choose an executor." }).default("KubernetesExecutor"),
      airflowVersion: z.enum(catalog.airflowVersions as [string, ...string[]], {
        error: "Choose one of the offered Airflow versions.",
      }),
      dagRepoUrl: optionalText(dagRepoUrlField(catalog)),
      dagBranch: optionalText(dagBranchField),
      dagSubPath: optionalText(dagSubPathField),
      expiresOn: optionalText(expiryField(now)),
    })
    .superRefine((value, ctx) => {
      if (!value.dagRepoUrl && (value.dagBranch || value.dagSubPath)) {
        ctx.addIssue({ code: "custom", path: ["dagRepoUrl"], message: DAG_SOURCE_NEEDS_REPOSITORY });
      }
    })
    .transform((value) => ({
      ...value,
      dagBranch: value.dagRepoUrl ? (value.dagBranch ?? "main") : undefined,
    }));
}

export type RequestSchema = ReturnType<typeof makeRequestSchema>;
export type EnvironmentRequest = z.output<RequestSchema>;
export type EnvironmentRequestInput = z.input<RequestSchema>;
export type FieldErrors = Partial<Record<keyof EnvironmentRequestInput, string[]>>;

/** Reads a submitted form into the schema's input shape (unknown keys are dropped by the schema). */
export function requestFromFormData(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ["name", "team", "purpose", "region", "size", "executor", "airflowVersion", "dagRepoUrl", "dagBranch", "dagSubPath", "expiresOn"]) {
    const v = form.get(key);
    if (typeof v === "string") out[key] = v;
  }
  return out;
}

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  return z.flattenError(error).fieldErrors as FieldErrors;
}
