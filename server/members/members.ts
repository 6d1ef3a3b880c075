import { and, asc, count, eq, ne } from "drizzle-orm";
import { runAuditedTransaction, type AuditRecorder } from "@/server/audit/record-audit-entry";
import { snapshotMember } from "@/server/audit/snapshot-objects";
import type { Db, DbOrTx } from "@/server/db/client";
import { channels, memberships, users, workspaces } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import { hasRole, type Role } from "./roles";

/** Who is asking, from the request's membership; email and IP for the audit trail. */
export type Actor = { userId: string; role: Role; email?: string; ip?: string | null };

/** Records a change of membership (`member.joined`, `member.role_changed`, `member.removed`). */
export async function auditMembership(
  tx: DbOrTx,
  audit: AuditRecorder,
  change: {
    workspaceId: string;
    by: { userId: string; email?: string; ip?: string | null };
    verb: "created" | "updated" | "deleted";
    membership: { id: string; userId: string };
    before: { role: Role } | null;
    after: { role: Role } | null;
    extra?: Record<string, unknown>;
  },
) {
  const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, change.membership.userId));
  const email = user?.email ?? change.membership.userId;
  const { membership } = change;
  await audit({
    workspaceId: change.workspaceId,
    actor: { userId: change.by.userId, email: change.by.email, ip: change.by.ip },
    objectType: "member",
    objectId: membership.id,
    objectLabel: email,
    verb: change.verb,
    before: change.before && snapshotMember({ userId: membership.userId, email, role: change.before.role }),
    after: change.after && snapshotMember({ userId: membership.userId, email, role: change.after.role }),
    extra: change.extra,
  });
}

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
  return runAuditedTransaction(db, async (tx, audit) => {
    const { current, target } = await lockMembership(tx, actor, workspaceId, membershipId);
    assertCanManageRole(current, target.role, role);
    if (target.role === "owner" && role !== "owner") await assertAnotherOwnerRemains(tx, workspaceId, membershipId);
    const [updated] = await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.id, membershipId)))
      .returning();
    await auditMembership(tx, audit, { workspaceId, by: actor, verb: "updated", membership: target, before: target, after: updated! });
    return updated!;
  });
}

/**
 * Removes a member; a member removing themself is leaving, which any role may do. Their personal
 * channels go with them: nobody else could ever see, use or delete them, and their secrets (webhook
 * URLs, credentials) should not outlive the membership. Their personal rules stay, inert, for a
 * return.
 */
export async function removeMember(db: Db, actor: Actor, workspaceId: string, membershipId: string) {
  await runAuditedTransaction(db, async (tx, audit) => {
    const { current, target } = await lockMembership(tx, actor, workspaceId, membershipId);
    if (target.userId !== current.userId) assertCanManageRole(current, target.role);
    if (target.role === "owner") await assertAnotherOwnerRemains(tx, workspaceId, membershipId);
    await tx.delete(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.id, membershipId)));
    const personal = await tx
      .delete(channels)
      .where(and(eq(channels.workspaceId, workspaceId), eq(channels.ownerUserId, target.userId)))
      .returning({ id: channels.id });
    await auditMembership(tx, audit, { workspaceId, by: actor, verb: "deleted", membership: target, before: target, after: null, extra: { personalChannelsDeleted: personal.length } });
  });
}

// The workspace row is locked first so that two owners demoting or removing each other at the
// same moment are serialised and cannot leave the workspace without an owner. The actor's role
// is read again under that lock: the one resolved when the request started may be stale (an
// owner demoted or removed a moment ago must not go on acting as owner).
async function lockMembership(tx: DbOrTx, actor: Actor, workspaceId: string, membershipId: string) {
  await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for("update");
  const [actorMembership] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, actor.userId)));
  if (!actorMembership) throw new DomainError("NOT_FOUND", "Workspace not found");
  const [target] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.id, membershipId)));
  if (!target) throw new DomainError("NOT_FOUND", "Member not found");
  return { current: { userId: actor.userId, role: actorMembership.role } satisfies Actor, target };
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
