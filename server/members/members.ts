import { and, asc, count, eq, ne } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { memberships, users, workspaces } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import { hasRole, type Role } from "./roles";

export type Actor = { userId: string; role: Role };

export async function listMembers(db: Db, workspaceId: string) {
  return db
    .select({
      id: memberships.id,
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.email));
}

/** Owners are managed by owners only: an admin can neither grant ownership nor touch an owner. */
export function assertCanManageRole(actor: Actor, targetRole: Role, newRole?: Role) {
  if (!hasRole(actor.role, "admin")) {
    throw new DomainError("FORBIDDEN", "Only admins and owners manage members");
  }
  if ((targetRole === "owner" || newRole === "owner") && actor.role !== "owner") {
    throw new DomainError("FORBIDDEN", "Only an owner can grant or change the owner role");
  }
}

export async function changeMemberRole(db: Db, actor: Actor, workspaceId: string, membershipId: string, role: Role) {
  return db.transaction(async (tx) => {
    const target = await lockMembership(tx, workspaceId, membershipId);
    assertCanManageRole(actor, target.role, role);
    if (target.role === "owner" && role !== "owner") await assertAnotherOwnerRemains(tx, workspaceId, membershipId);
    const [updated] = await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.id, membershipId)))
      .returning();
    return updated!;
  });
}

/** Removes a member; a member removing themself is leaving, which any role may do. */
export async function removeMember(db: Db, actor: Actor, workspaceId: string, membershipId: string) {
  await db.transaction(async (tx) => {
    const target = await lockMembership(tx, workspaceId, membershipId);
    if (target.userId !== actor.userId) assertCanManageRole(actor, target.role);
    if (target.role === "owner") await assertAnotherOwnerRemains(tx, workspaceId, membershipId);
    await tx.delete(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.id, membershipId)));
  });
}

// The workspace row is locked first so that two owners demoting or removing each other at the
// same moment are serialised and cannot leave the workspace without an owner.
async function lockMembership(tx: DbOrTx, workspaceId: string, membershipId: string) {
  await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for("update");
  const [target] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.id, membershipId)));
  if (!target) throw new DomainError("NOT_FOUND", "Member not found");
  return target;
}

/** The last-owner rule, in one place: a workspace always keeps at least one owner. */
async function assertAnotherOwnerRemains(tx: DbOrTx, workspaceId: string, membershipId: string) {
  const [row] = await tx
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, "owner"), ne(memberships.id, membershipId)));
  if ((row?.n ?? 0) === 0) {
    throw new DomainError("BAD_REQUEST", "A workspace needs at least one owner: make someone else owner first", {
      field: "role",
    });
  }
}
