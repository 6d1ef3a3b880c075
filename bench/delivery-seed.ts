// The delivery benchmark's workspace, made through the domain functions as people would through
// the UI: one intake source (bench/setup.ts), the webhook-channel cap raised to fit, and webhook
// channels to the local receiver — half shared (an admin's shared rules attach them), half
// personal (each its own member's, attached by that member's personal rule). Every rule matches
// BENCH_EVENT_TYPE, so each event posted is delivered once to every channel.
import { eq } from "drizzle-orm";
import { createChannel } from "@/server/channels/channels";
import { createChannelInput } from "@/server/channels/channel-schemas";
import type { DbHandle } from "@/server/db/client";
import { intakeSources, memberships, users, workspaces, type Role } from "@/server/db/schema";
import { createRule } from "@/server/rules/rules";
import { createRuleInput, MAX_RULE_CHANNELS } from "@/server/rules/rule-schemas";
import { tocsinActor } from "@/server/audit/audit-actor";
import { updateWorkspaceSettings } from "@/server/workspaces/update-workspace-settings";
import { workspaceSettingsInput } from "@/server/workspaces/workspace-schemas";
import { seedSource } from "./setup";

export const BENCH_EVENT_TYPE = "alert.created";

export type BenchChannel = { index: number; id: string; signingSecret: string; shared: boolean };
export type DeliveryBenchSeed = { workspaceId: string; sourceId: string; token: string; channels: BenchChannel[] };

type Actor = { workspaceId: string; userId: string; role: Role };

export async function seedDeliveryWorkspace(handle: DbHandle, options: { channels: number; receiverUrl: string; maxRetries: number }): Promise<DeliveryBenchSeed> {
  const db = handle.db;
  const { sourceId, token } = await seedSource(handle, "delivery");
  const [source] = await db.select({ workspaceId: intakeSources.workspaceId, ownerId: intakeSources.createdById }).from(intakeSources).where(eq(intakeSources.id, sourceId));
  const workspaceId = source!.workspaceId;
  const owner: Actor = { workspaceId, userId: source!.ownerId!, role: "owner" };

  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  await updateWorkspaceSettings(
    db,
    workspaceId,
    workspaceSettingsInput.parse({ ...workspace!, webhookChannelCap: Math.max(workspace!.webhookChannelCap, options.channels) }),
    tocsinActor,
  );

  const channels: BenchChannel[] = [];
  const sharedIds: string[] = [];
  for (let index = 0; index < options.channels; index++) {
    const shared = index % 2 === 0;
    const actor = shared ? owner : await addMember(handle, workspaceId, index);
    const input = createChannelInput.parse({ kind: "webhook", name: `Receiver ${index}`, shared, url: `${options.receiverUrl}/hooks/${index}`, maxRetries: options.maxRetries });
    const { channel, signingSecret } = await createChannel(db, actor, input);
    channels.push({ index, id: channel.id, signingSecret: signingSecret!, shared });
    if (shared) sharedIds.push(channel.id);
    else await attachChannels(handle, actor, "personal", [channel.id], `Mine ${index}`);
  }
  for (let i = 0; i < sharedIds.length; i += MAX_RULE_CHANNELS) {
    await attachChannels(handle, owner, "shared", sharedIds.slice(i, i + MAX_RULE_CHANNELS), `Shared ${i / MAX_RULE_CHANNELS}`);
  }
  return { workspaceId, sourceId, token, channels };
}

async function addMember(handle: DbHandle, workspaceId: string, index: number): Promise<Actor> {
  const [user] = await handle.db.insert(users).values({ email: `member-${index}@delivery.bench`, name: `Member ${index}` }).returning({ id: users.id });
  await handle.db.insert(memberships).values({ workspaceId, userId: user!.id, role: "analyst" });
  return { workspaceId, userId: user!.id, role: "analyst" };
}

/** A rule on every community of the workspace, delivering BENCH_EVENT_TYPE to `channelIds` only (no inbox). */
async function attachChannels(handle: DbHandle, actor: Actor, kind: "personal" | "shared", channelIds: string[], name: string) {
  const input = createRuleInput.parse({
    kind,
    name,
    scope: "workspace",
    triggers: [BENCH_EVENT_TYPE],
    notifyInApp: false,
    channelIds,
    recipientRoles: kind === "shared" ? ["admin"] : [],
  });
  await createRule(handle.db, actor, input);
}
