/**
 * Who made a change, as the audit trail keeps it: a member (their email is looked up when not
 * given) with the IP their request came from, or — `userId` null — Tocsin itself, e.g. a
 * channel it switched off after repeated failures.
 */
export type AuditActor = { userId: string | null; email?: string | null; ip?: string | null };

/** Changes Tocsin makes by itself. */
export const tocsinActor: AuditActor = { userId: null, email: null, ip: null };

/** How the trail names an actor to people: their email, or "Tocsin". */
export function describeActor(actor: { email: string | null } | null): string {
  return actor?.email ?? "Tocsin";
}

/** What a tRPC context knows of the caller, as an audit actor. */
export function auditActorOf(ctx: { user: { id: string; email: string }; ip?: string | null }): AuditActor {
  return { userId: ctx.user.id, email: ctx.user.email, ip: ctx.ip ?? null };
}
