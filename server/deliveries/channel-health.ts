import { and, eq, inArray } from "drizzle-orm";
import { auditChannelSwitchedOff } from "@/server/channels/channels";
import { getChannelKindModule } from "@/server/channels/kinds";
import { getConfiguredOrigin } from "@/server/config/runtime";
import type { Db, DbOrTx } from "@/server/db/client";
import { channels, memberships, users, workspaces } from "@/server/db/schema";
import { deliveryCause, insertSystemEvents } from "@/server/events/system-events";
import { insertNotificationsAndSignal } from "@/server/inbox/insert-notifications";
import { renderEmailHtml } from "@/server/mail/layout";
import { sendMail } from "@/server/mail/send-mail";
import type { DeliveryContext } from "./load-delivery-context";

/** Deliveries failing in a row that switch a channel off. */
export const CONSECUTIVE_FAILURES_TO_DISABLE = 5;

/**
 * Who is told when a channel is switched off: its owner (personal), or the workspace's owners and
 * admins (shared) — current members only.
 */
async function findChannelKeepers(db: DbOrTx, workspaceId: string, channel: { ownerUserId: string | null }) {
  return db
    .select({ userId: memberships.userId, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        channel.ownerUserId ? eq(memberships.userId, channel.ownerUserId) : inArray(memberships.role, ["owner", "admin"]),
      ),
    );
}

/**
 * The channel was just switched off by its failures: keeps the reason on it, raises
 * `channel.disabled` (carrying its cause, so it is never routed to that channel), and puts it in
 * the inbox of whoever keeps the channel. Returns the ids of the events raised: the system event
 * and, for a shared channel, the audit trail's `audit.channel.updated`.
 */
export async function recordChannelDisabled(tx: DbOrTx, context: DeliveryContext, reason: string, now: Date): Promise<string[]> {
  const { channel, delivery, event } = context;
  await tx
    .update(channels)
    .set({ disabledReason: reason, disabledAt: now })
    .where(and(eq(channels.workspaceId, channel.workspaceId), eq(channels.id, channel.id)));
  const [eventId] = await insertSystemEvents(
    tx,
    [
      {
        workspaceId: channel.workspaceId,
        communityId: null,
        type: "channel.disabled",
        severity: "high",
        title: `${getChannelKindModule(channel.kind).label} channel "${channel.name}" disabled`,
        message: `Tocsin switched this channel off, so nothing is sent there until it is fixed and switched back on. ${reason}`,
        data: { channelId: channel.id, channelName: channel.name, channelKind: channel.kind, shared: channel.ownerUserId === null, reason },
        fingerprint: `channel.disabled:${channel.id}`,
        cause: deliveryCause(delivery.id, channel.id, event),
      },
    ],
    now,
  );
  const keepers = await findChannelKeepers(tx, channel.workspaceId, channel);
  await insertNotificationsAndSignal(
    tx,
    channel.workspaceId,
    keepers.map(({ userId }) => ({ workspaceId: channel.workspaceId, userId, eventId: eventId!, ruleId: null, communityId: null, severity: "high" as const })),
  );
  // The audit trail records the change too (no actor: Tocsin made it), as `audit.channel.updated`.
  const auditEventId = await auditChannelSwitchedOff(tx, channel, reason);
  return auditEventId ? [eventId!, auditEventId] : [eventId!];
}

/** Emails the channel's keepers that it was switched off, with the reason and a link to it. */
export async function emailChannelDisabled(db: Db, workspaceId: string, channelId: string): Promise<{ sent: number }> {
  const [channel] = await db
    .select({ id: channels.id, name: channels.name, kind: channels.kind, ownerUserId: channels.ownerUserId, reason: channels.disabledReason, enabled: channels.enabled, slug: workspaces.slug, workspaceName: workspaces.name })
    .from(channels)
    .innerJoin(workspaces, eq(workspaces.id, channels.workspaceId))
    .where(and(eq(channels.workspaceId, workspaceId), eq(channels.id, channelId)));
  // Switched back on already (or deleted): nothing to tell.
  if (!channel || channel.enabled) return { sent: 0 };
  const keepers = await findChannelKeepers(db, workspaceId, channel);
  const url = `${getConfiguredOrigin()}/w/${encodeURIComponent(channel.slug)}/channels/${channel.id}`;
  const subject = `Tocsin switched off the ${getChannelKindModule(channel.kind).label} channel "${channel.name}"`;
  const reason = channel.reason ?? "Its deliveries kept failing.";
  const footer = `You receive this because you ${channel.ownerUserId ? "own this channel" : "are an owner or admin of this workspace"} in ${channel.workspaceName}.`;
  for (const keeper of keepers) {
    await sendMail(db, {
      to: keeper.email.toLowerCase(),
      subject,
      text: `${subject}.\n\n${reason}\n\nNothing is sent there until it is switched back on. Review its delivery log and switch it on again: ${url}\n\n${footer}\n`,
      html: renderEmailHtml({
        heading: `"${channel.name}" is switched off`,
        paragraphs: [reason, "Nothing is sent there until it is switched back on. Its delivery log shows every attempt; failed deliveries can be replayed once it works again."],
        action: { label: "Review the channel", url },
        footer,
      }),
    });
  }
  return { sent: keepers.length };
}
