import { z } from "zod";
import { ReleaseObjectSchema } from "@/lib/environments/release-objects";

/**
 * What an environment runs, as the worker applied it (`environments.deployed`): the Azure resource
 * ids, the chart version and the Helm values. No secrets: the values name Kubernetes Secrets only.
 * Pages show this, never values recomputed from today's code.
 */
export const DeployedSchema = z.object({
  appliedAt: z.string(),
  chartVersion: z.string(),
  helmValues: z.record(z.string(), z.unknown()),
  /**
   * The chart package (its SHA-256) and the objects the release was rendered into when it was
   * applied, for comparing with a later render. Absent on rows written before it was recorded, or
   * when the chart could not be rendered then.
   */
  release: z.object({ chartDigest: z.string(), objects: z.array(ReleaseObjectSchema) }).optional(),
  /** Azure resource ids by what they are ("resourceGroup", "cluster", "postgresServer", …). */
  resources: z.record(z.string(), z.string()),
  /** The environment's managed identity (ids, no secret): its client id is on the federated service accounts. Absent on environments built before. */
  identity: z.object({ clientId: z.string(), principalId: z.string() }).optional(),
  /** Where Airflow keeps task logs (the storage account's blob endpoint and container) and the managed identity's tenant. Absent on environments built before. */
  taskLogs: z.object({ account: z.string(), blobEndpoint: z.string(), container: z.string(), tenantId: z.string() }).optional(),
  /** The Airflow UI and how it is exposed. */
  airflowUrl: z.string().nullable(),
  exposure: z.enum(["internal", "public", "ingress"]),
  /**
   * The platform's network the environment is a spoke of: the hub it is peered with (people reach
   * an internal UI from networks peered with it) and the spoke's range. Absent for environments in
   * a VNet of AKS's own.
   */
  network: z.object({ hub: z.string(), addressPrefix: z.string() }).optional(),
  /** The https address and sign-in, when the portal publishes Airflow at its own domain. */
  access: z
    .object({
      url: z.string(),
      /** Entra group → Airflow role; anyone else signs in with no role. */
      roles: z.array(z.object({ groupId: z.string(), who: z.string(), role: z.string() })),
      certificateExpiresAt: z.string().nullable(),
      redirectUri: z.string(),
    })
    .nullable()
    .optional(),
});
export type Deployed = z.infer<typeof DeployedSchema>;

/**
 * Whether an environment's task logs are in Blob Storage (so it has no log disks): those built since
 * have the account recorded; one not deployed yet will get it.
 */
export function taskLogsInBlob(deployed: Deployed | null): boolean {
  return deployed ? deployed.taskLogs !== undefined : true;
}

/** Reads the stored column; anything unreadable is treated as nothing deployed. */
export function readDeployed(value: unknown): Deployed | null {
  const parsed = DeployedSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * Operation events: log lines (`level` info / warn / error) and status changes (`level`
 * "status", `message` the new status). `stepKey` is null for the operation as a whole.
 */
export const EVENT_LEVELS = ["info", "warn", "error", "status"] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];
