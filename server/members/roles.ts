import { roles, type Role } from "@/server/db/schema";

export { roles, type Role };

// Higher rank can do everything a lower one can.
const rank: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2, owner: 3 };

export function hasRole(actual: Role, required: Role): boolean {
  return rank[actual] >= rank[required];
}

export const roleLabels: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  analyst: "Analyst",
  viewer: "Viewer",
};

export const roleDescriptions: Record<Role, string> = {
  owner: "Everything, including granting ownership",
  admin: "Manages members, communities and shared settings",
  analyst: "Works with events and writes personal rules",
  viewer: "Reads what the workspace shows",
};
