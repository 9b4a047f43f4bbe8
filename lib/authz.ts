/**
 * Who may do what. Pure, so every data-access function can put the same rule into its query and
 * the rules can be tested on their own.
 */
export interface Actor {
  id: string;
  isAdmin: boolean;
  teamIds: readonly string[];
}

/** Admins see every team's environments; everyone else only their own teams'. */
export function canSeeTeam(actor: Actor, teamId: string): boolean {
  return actor.isAdmin || actor.teamIds.includes(teamId);
}

/** Requests are made for one of the requester's own teams, admins included. */
export function canRequestForTeam(actor: Actor, teamId: string): boolean {
  return actor.teamIds.includes(teamId);
}

export function canDecideRequests(actor: Actor): boolean {
  return actor.isAdmin;
}

/** A Prisma `where` fragment restricting environments to those the actor may see. */
export function visibleEnvironmentsWhere(actor: Actor): { teamId?: { in: string[] } } {
  return actor.isAdmin ? {} : { teamId: { in: [...actor.teamIds] } };
}
