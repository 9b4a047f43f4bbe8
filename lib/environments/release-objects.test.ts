import { describe, expect, it } from "vitest";
import { categoryOf, groupReleaseObjects, type ReleaseObject } from "./release-objects";

const object = (kind: string, name: string, hook?: ReleaseObject["hook"]): ReleaseObject => ({
  kind,
  name,
  category: categoryOf(kind, Boolean(hook)),
  ...(hook ? { hook } : {}),
});

describe("what a release creates, by category", () => {
  it("files each kind where a person looks for it, hook jobs apart, and anything unknown under other", () => {
    expect(categoryOf("Deployment")).toBe("workloads");
    expect(categoryOf("StatefulSet")).toBe("workloads");
    expect(categoryOf("Service")).toBe("services");
    expect(categoryOf("Job")).toBe("workloads");
    expect(categoryOf("Job", true)).toBe("jobs");
    expect(categoryOf("CronJob")).toBe("workloads");
    expect(categoryOf("Secret")).toBe("config");
    expect(categoryOf("ConfigMap")).toBe("config");
    expect(categoryOf("PersistentVolumeClaim")).toBe("volumes");
    expect(categoryOf("RoleBinding")).toBe("access");
    expect(categoryOf("ServiceAccount")).toBe("access");
    expect(categoryOf("PodDisruptionBudget")).toBe("other");
    expect(categoryOf("ScaledObject")).toBe("other");
  });

  it("groups in a fixed order, keeps Helm's order inside a group, leaves empty groups out and keeps hooks marked", () => {
    const migrate = object("Job", "airflow-run-airflow-migrations", { events: ["post-install", "post-upgrade"], weight: 1 });
    const objects = [
      object("ServiceAccount", "airflow-scheduler"),
      object("Secret", "airflow-config-envs"),
      object("Deployment", "airflow-scheduler"),
      object("Service", "airflow-api-server"),
      object("Deployment", "airflow-api-server"),
      object("PodDisruptionBudget", "airflow-pgbouncer"),
      migrate,
    ];
    const groups = groupReleaseObjects(objects);
    expect(groups.map((g) => g.category)).toEqual(["workloads", "services", "jobs", "config", "access", "other"]);
    expect(groups[0]).toEqual({ category: "workloads", label: "Workloads", objects: [objects[2], objects[4]] });
    expect(groups.find((g) => g.category === "jobs")?.objects).toEqual([migrate]);
    expect(groups.flatMap((g) => g.objects)).toHaveLength(objects.length);
    expect(groupReleaseObjects([])).toEqual([]);
  });
});
