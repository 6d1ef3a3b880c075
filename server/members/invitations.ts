import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { AuditActor } from "@/server/audit/audit-actor";
import { runAuditedTransaction, type AuditRecorder } from "@/server/audit/record-audit-entry";
import { snapshotInvitation } from "@/server/audit/snapshot-objects";
import type { Db } from "@/server/db/client";
import { invitations, memberships, users, workspaces } from "@/server/db/schema";
import { DomainError, isUniqueViolation } from "@/server/errors";
import { renderInvitationEmail } from "@/server/mail/invitation-email";
import { sendMail } from "@/server/mail/send-mail";
import { assertCanManageRole, auditMembership, type Actor } from "./members";
import type { Role } from "./roles";

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const isOpen = () => and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt));

type InvitationRow = typeof invitations.$inferSelect;

/** Records an invitation sent, sent again (`updated`: new link, role or expiry) or revoked. Never its token. */
async function auditInvitation(audit: AuditRecorder, by: AuditActor, verb: "created" | "updated" | "deleted", before: InvitationRow | null, after: InvitationRow | null) {
  const invitation = (after ?? before)!;
  await audit({
    workspaceId: invitation.workspaceId,
    actor: by,
    objectType: "invitation",
    objectId: invitation.id,
    objectLabel: invitation.email,
    verb,
    before: before && snapshotInvitation(before),
    after: after && snapshotInvitation(after),
  });
}

/**
 * Invites `email` with `role` and mails them a link. Inviting an address that already has an
 * open invitation refreshes it (new link, new role, new expiry) rather than failing.
 */
export async function inviteMember(
  db: Db,
  options: { workspace: { id: string; name: string }; actor: Actor & { email: string }; email: string; role: Role; origin: string },
) {
  const { workspace, actor, email, role, origin } = options;
  assertCanManageRole(actor, role, role);

  const [existing] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    // Accounts from an identity provider keep the address as it was spelled there; invited
    // addresses are always lowercase.
    .where(and(eq(memberships.workspaceId, workspace.id), eq(sql`lower(${users.email})`, email)));
  if (existing) throw new DomainError("CONFLICT", `${email} is already a member of this workspace`, { field: "email" });

  const token = randomBytes(32).toString("base64url");
  const values = {
    role,
    tokenHash: hashInvitationToken(token),
    invitedById: actor.userId,
    expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
  };
  const by: AuditActor = { userId: actor.userId, email: actor.email, ip: actor.ip };
  const invitation = await runAuditedTransaction(db, async (tx, audit) => {
    const [open] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.workspaceId, workspace.id), eq(invitations.email, email), isOpen()))
      .for("update");
    if (open) {
      // Refreshing an owner invitation changes who may become owner: owners only.
      assertCanManageRole(actor, open.role, role);
      const [refreshed] = await tx.update(invitations).set(values).where(eq(invitations.id, open.id)).returning();
      await auditInvitation(audit, by, "updated", open, refreshed!);
      return refreshed!;
    }
    const [created] = await tx.insert(invitations).values({ ...values, workspaceId: workspace.id, email }).returning();
    await auditInvitation(audit, by, "created", null, created!);
    return created!;
  }).catch((error: unknown) => {
    // Two admins inviting the same address at once: the other request's invitation stands.
    if (isUniqueViolation(error, "invitations_open_workspace_id_email_key")) {
      throw new DomainError("CONFLICT", `${email} was invited a moment ago`, { field: "email" });
    }
    throw error;
  });

  await sendMail(
    db,
    renderInvitationEmail({
      to: email,
      url: `${origin}/invite/${token}`,
      workspaceName: workspace.name,
      role,
      invitedBy: actor.email,
      expiresAt: invitation.expiresAt,
    }),
  );
  return invitation;
}

export async function listOpenInvitations(db: Db, workspaceId: string) {
  const rows = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      createdAt: invitations.createdAt,
      invitedBy: users.email,
    })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedById))
    .where(and(eq(invitations.workspaceId, workspaceId), isOpen()))
    .orderBy(desc(invitations.createdAt));
  const now = new Date();
  return rows.map((row) => ({ ...row, expired: row.expiresAt <= now }));
}

export async function revokeInvitation(db: Db, actor: Actor, workspaceId: string, invitationId: string) {
  await runAuditedTransaction(db, async (tx, audit) => {
    const [open] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, invitationId), isOpen()))
      .for("update");
    if (!open) throw new DomainError("NOT_FOUND", "Invitation not found or no longer open");
    assertCanManageRole(actor, open.role);
    await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, invitationId)));
    await auditInvitation(audit, { userId: actor.userId, email: actor.email, ip: actor.ip }, "deleted", open, null);
  });
}

const invitationView = {
  id: invitations.id,
  email: invitations.email,
  role: invitations.role,
  expiresAt: invitations.expiresAt,
  acceptedAt: invitations.acceptedAt,
  revokedAt: invitations.revokedAt,
  workspaceId: workspaces.id,
  workspaceSlug: workspaces.slug,
  workspaceName: workspaces.name,
};

/** What the invitation page shows for a link, or null when the link matches nothing. */
export async function findInvitationByToken(db: Db, token: string) {
  const [row] = await db
    .select(invitationView)
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .where(eq(invitations.tokenHash, hashInvitationToken(token)));
  return row ?? null;
}

/** Open, unexpired invitations addressed to the signed-in user's email. */
export async function listPendingInvitationsForEmail(db: Db, email: string) {
  return db
    .select(invitationView)
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .where(and(eq(invitations.email, email.toLowerCase()), isOpen(), gt(invitations.expiresAt, new Date())))
    .orderBy(desc(invitations.createdAt));
}

/** The signed-in user accepting; `ip` for the audit trail. */
type Invitee = { id: string; email: string; ip?: string | null };

/**
 * Joins the invitation's workspace. The signed-in user's email must be the invited one: the
 * magic link (or the identity provider) has proved they own it. Accepting twice is harmless
 * while the membership it created stands.
 */
export async function acceptInvitation(db: Db, user: Invitee, ref: { token: string } | { invitationId: string }) {
  return runAuditedTransaction(db, async (tx, audit) => {
    const [invitation] = await tx
      .select()
      .from(invitations)
      .where("token" in ref ? eq(invitations.tokenHash, hashInvitationToken(ref.token)) : eq(invitations.id, ref.invitationId))
      .for("update");
    if (!invitation) throw new DomainError("NOT_FOUND", "This invitation does not exist");
    if (invitation.email !== user.email.toLowerCase()) {
      // Without the token, another user's invitation is not even acknowledged.
      if (!("token" in ref)) throw new DomainError("NOT_FOUND", "This invitation does not exist");
      throw new DomainError("FORBIDDEN", `This invitation was sent to ${invitation.email}; sign in with that address to accept it`);
    }
    if (invitation.revokedAt) throw new DomainError("BAD_REQUEST", "This invitation was revoked");
    if (invitation.acceptedAt) {
      // Accepting again only answers where to go: a used link never creates a membership again,
      // or a member who was removed (or left) could walk back in with it.
      const [member] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.workspaceId, invitation.workspaceId), eq(memberships.userId, user.id)));
      if (invitation.acceptedById !== user.id || !member) throw new DomainError("BAD_REQUEST", "This invitation was already used");
    } else {
      if (invitation.expiresAt <= new Date()) throw new DomainError("BAD_REQUEST", "This invitation has expired; ask for a new one");
      const [joined] = await tx
        .insert(memberships)
        .values({ workspaceId: invitation.workspaceId, userId: user.id, role: invitation.role })
        .onConflictDoNothing({ target: [memberships.workspaceId, memberships.userId] })
        .returning();
      if (joined) {
        await auditMembership(tx, audit, {
          workspaceId: invitation.workspaceId,
          by: { userId: user.id, email: user.email, ip: user.ip },
          verb: "created",
          membership: joined,
          before: null,
          after: joined,
          extra: { invitationId: invitation.id },
        });
      }
      await tx
        .update(invitations)
        .set({ acceptedAt: new Date(), acceptedById: user.id })
        .where(eq(invitations.id, invitation.id));
    }
    const [workspace] = await tx
      .select({ slug: workspaces.slug, name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, invitation.workspaceId));
    return workspace!;
  });
}
