import { eq, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Db, DbOrTx } from "@/server/db/client";
import { auditEntries, events, users, type AuditObjectType, type AuditVerb } from "@/server/db/schema";
import { requestFanOut } from "@/server/jobs/request-fan-out";
import { describeActor, type AuditActor } from "./audit-actor";
import { auditEventSeverity, auditEventType, describeAuditEvent, type AuditAction } from "./describe-audit-event";
import { diffSnapshots, toJsonSnapshot, type Snapshot } from "./diff-snapshots";
import { maskSecrets, maskSnapshot } from "./mask-secrets";

export type AuditEntryInput = {
  workspaceId: string;
  actor: AuditActor;
  objectType: AuditObjectType;
  objectId: string;
  /** The object's name now (or, deleted, as it was), for people reading the trail. */
  objectLabel: string;
  verb: AuditVerb;
  /** A more telling verb for the event (a token `rotated`); the entry's verb stays `updated`. */
  action?: AuditAction;
  /** The object before and after the change (null: it did not exist). Secrets in them are masked here. */
  before: Snapshot | null;
  after: Snapshot | null;
  /**
   * A personal rule or channel: its entry is its owner's alone, and it raises no event (a rule on
   * `audit.*` would otherwise stream someone's personal rules to the admins' webhooks).
   */
  privateToUserId?: string | null;
  /** Facts about the change beyond the snapshots, for the event (`rulesAffected`); masked too. */
  extra?: Record<string, unknown>;
};

export type RecordedAuditEntry = { id: string; eventId: string | null };

/** The top-level fields of a snapshot that changed: what an `updated` event carries as before/after. */
function changedFields(snapshot: Record<string, unknown> | null, fields: Set<string>) {
  if (!snapshot) return null;
  return Object.fromEntries(Object.entries(snapshot).filter(([key]) => fields.has(key)));
}

async function resolveActorEmail(tx: DbOrTx, actor: AuditActor): Promise<string | null> {
  if (actor.email !== undefined || actor.userId === null) return actor.email ?? null;
  const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, actor.userId));
  return user?.email ?? null;
}

/**
 * Records a change in the workspace's audit trail, in the transaction `tx` that makes the change
 * (so the change and its entry commit or roll back together), and raises the matching
 * `audit.<object>.<verb>` event (origin `audit`) in the same transaction — unless the entry is
 * private. An update that changed nothing is not recorded (null). The event still needs its
 * fan-out requested after the commit: `runAuditedTransaction` does that.
 */
export async function recordAuditEntry(tx: DbOrTx, input: AuditEntryInput): Promise<RecordedAuditEntry | null> {
  const changes = diffSnapshots(input.before, input.after);
  if (input.verb === "updated" && changes.length === 0 && !input.action) return null;

  const before = maskSnapshot(toJsonSnapshot(input.before));
  const after = maskSnapshot(toJsonSnapshot(input.after));
  const email = await resolveActorEmail(tx, input.actor);
  const ip = input.actor.ip ?? null;
  const privateToUserId = input.privateToUserId ?? null;
  const id = uuidv7();
  let eventId: string | null = null;

  if (privateToUserId === null) {
    eventId = uuidv7();
    const type = auditEventType(input.objectType, input.verb, input.action);
    const actor = input.actor.userId === null ? null : { userId: input.actor.userId, email };
    const fields = new Set(changes.map((change) => change.path.split(".")[0]!));
    const { title, message } = describeAuditEvent({
      type,
      objectType: input.objectType,
      objectLabel: input.objectLabel,
      verb: input.verb,
      actorLabel: describeActor(actor),
      self: input.objectType === "member" && input.actor.userId !== null && input.before?.userId === input.actor.userId,
      after,
      changes,
    });
    const data = {
      ...(maskSecrets(input.extra ?? {}) as Record<string, unknown>),
      entity: input.objectType,
      objectId: input.objectId,
      objectLabel: input.objectLabel,
      verb: input.verb,
      actor,
      ip,
      auditEntryId: id,
      changes,
      before: input.verb === "updated" ? changedFields(before, fields) : before,
      after: input.verb === "updated" ? changedFields(after, fields) : after,
    };
    await tx.insert(events).values({
      id: eventId,
      workspaceId: input.workspaceId,
      communityId: null,
      sourceId: null,
      type,
      severity: auditEventSeverity(type),
      title: title.slice(0, 500),
      message,
      actor: email,
      clientIp: ip,
      occurredAt: sql`now()`,
      receivedAt: sql`now()`,
      fingerprint: `audit:${input.objectType}:${input.objectId}`,
      origin: "audit",
      data,
    });
  }

  await tx.insert(auditEntries).values({
    id,
    workspaceId: input.workspaceId,
    actorUserId: input.actor.userId,
    actorEmail: email,
    actorIp: ip,
    objectType: input.objectType,
    objectId: input.objectId,
    objectLabel: input.objectLabel,
    verb: input.verb,
    before,
    after,
    changes,
    privateToUserId,
    eventId,
  });
  return { id, eventId };
}

/** Records an entry within the transaction of `runAuditedTransaction`. */
export type AuditRecorder = (input: AuditEntryInput) => Promise<RecordedAuditEntry | null>;

/**
 * Runs `work` in one transaction with an audit recorder bound to it, then, once committed,
 * requests the fan-out of the events the entries raised (never throwing: the sweeper resends
 * what could not be requested).
 */
export async function runAuditedTransaction<T>(db: Db, work: (tx: DbOrTx, audit: AuditRecorder) => Promise<T>): Promise<T> {
  const raised: { workspaceId: string; eventId: string }[] = [];
  const result = await db.transaction((tx) =>
    work(tx, async (input) => {
      const recorded = await recordAuditEntry(tx, input);
      if (recorded?.eventId) raised.push({ workspaceId: input.workspaceId, eventId: recorded.eventId });
      return recorded;
    }),
  );
  await requestAuditFanOut(raised);
  return result;
}

/** After the commit: asks for the fan-out of audit events, per workspace. */
export async function requestAuditFanOut(raised: readonly { workspaceId: string; eventId: string }[]): Promise<void> {
  const byWorkspace = new Map<string, string[]>();
  for (const { workspaceId, eventId } of raised) byWorkspace.set(workspaceId, [...(byWorkspace.get(workspaceId) ?? []), eventId]);
  for (const [workspaceId, eventIds] of byWorkspace) await requestFanOut(workspaceId, eventIds);
}
