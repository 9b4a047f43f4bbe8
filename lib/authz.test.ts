import { describe, expect, it } from "vitest";
import { canDecideRequests, canRequestForTeam, canSeeTeam, visibleEnvironmentsWhere, type Actor } from "./authz";

const analyst: Actor = { id: "u1", isAdmin: false, teamIds: ["analytics"] };
const admin: Actor = { id: "u2", isAdmin: true, teamIds: ["platform"] };
const nobody: Actor = { id: "u3", isAdmin: false, teamIds: [] };

describe("authorization rules", () => {
  it("lets members see their own team's environments and admins see all", () => {
    expect(canSeeTeam(analyst, "analytics")).toBe(true);
    expect(canSeeTeam(analyst, "ml")).toBe(false);
    expect(canSeeTeam(nobody, "analytics")).toBe(false);
    expect(canSeeTeam(admin, "ml")).toBe(true);
  });

  it("lets people request only for their own teams, admins included", () => {
    expect(canRequestForTeam(analyst, "analytics")).toBe(true);
    expect(canRequestForTeam(analyst, "ml")).toBe(false);
    expect(canRequestForTeam(admin, "ml")).toBe(false);
    expect(canRequestForTeam(admin, "platform")).toBe(true);
  });

  it("lets only admins decide requests", () => {
    expect(canDecideRequests(admin)).toBe(true);
    expect(canDecideRequests(analyst)).toBe(false);
  });

  it("builds a query filter that matches the rules", () => {
    expect(visibleEnvironmentsWhere(admin)).toEqual({});
    expect(visibleEnvironmentsWhere(analyst)).toEqual({ teamId: { in: ["analytics"] } });
    expect(visibleEnvironmentsWhere(nobody)).toEqual({ teamId: { in: [] } });
  });
});
