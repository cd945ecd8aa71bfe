// What a role may see and do in the workspace. The server enforces every rule (enum.Role.AtLeast);
// the UI only avoids offering what it would refuse.

import type { Role } from './gql/graphql';

/** Roles from the least to the most powerful, as the server ranks them. */
export const ROLES = ['CLIENT_USER', 'AGENT', 'SUPERVISOR', 'ADMIN', 'SUPER_ADMIN'] as const satisfies readonly Role[];

// ROLES names every role of the schema's enum: a role added there fails to compile here until ranked.
type Unranked = Exclude<Role, (typeof ROLES)[number]>;
const everyRoleRanked: [Unranked] extends [never] ? true : Unranked = true;
void everyRoleRanked;

function rank(role: string): number {
  return ROLES.indexOf(role as Role);
}

/** role is minimum or more powerful; an unknown role is nothing. */
export function atLeast(role: string, minimum: Role): boolean {
  const r = rank(role);
  return r >= 0 && r >= rank(minimum);
}

/** The supervisor dashboard: analytics, live load and stale claims (SUPERVISOR and above). */
export function canSupervise(role: string): boolean {
  return atLeast(role, 'SUPERVISOR');
}

/** Agents, teams, pools and workspace settings (ADMIN and above). */
export function canAdminister(role: string): boolean {
  return atLeast(role, 'ADMIN');
}

/** The roles viewer may give someone: never above its own. */
export function grantableRoles(viewer: string): Role[] {
  return ROLES.filter((r) => atLeast(viewer, r));
}

/** Whether viewer may change an agent with role agentRole: an admin, not below the agent. */
export function canEditAgent(viewer: string, agentRole: string): boolean {
  return canAdminister(viewer) && atLeast(viewer, agentRole as Role);
}
