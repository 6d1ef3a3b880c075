import { and, asc, count, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { tocsinActor } from "@/server/audit/audit-actor";
import { recordAuditEntry, runAuditedTransaction, type AuditRecorder } from "@/server/audit/record-audit-entry";
import { snapshotChannel } from "@/server/audit/snapshot-objects";
import type { Db, DbOrTx } from "@/server/db/client";
import {
  channels,
  ruleChannels,
  users,
  webhookChannelKinds,
  workspaces,
  type ChannelSettings,
  type DeliveryChannelKind,
  type Role,
  type RuleKind,
} from "@/server/db/schema";
import { DomainError, isUniqueViolation } from "@/server/errors";
import { hasRole } from "@/server/members/roles";
import { openChannelForSend } from "./channel-for-send";
import type { ChannelSecrets } from "./channel-kind";
import type { CreateChannelInput, ListChannelsInput, UpdateChannelInput, WebhookAuthKind } from "./channel-schemas";
import { checkChannelUrl, type ChannelWarnings } from "./check-channel-url";
import { maskEmailRecipients, maskUrl } from "./mask-target";
import type { SafeHttpOptions } from "./safe-http";
import { sealSecrets } from "./secret-box";
import { generateSigningSecret, SIGNING_SECRET_OVERLAP_MS } from "./signing-secret";

/*
 * Delivery channels. Personal channels are their owner's alone: nobody else — an owner or admin
 * included — can list, read, change or delete them (another user's personal channel is
 * NOT_FOUND, exactly like one that does not exist). Shared channels are the workspace's: every
 * member sees them (masked), admins and owners write them. Every member, viewers included, may
 * create personal channels: they only carry that member's own personal rules.
 * Secrets (URLs, credentials, signing secrets) are sealed per row and leave this module only
 * through the two signing-secret procedures; what the API shows is the masked `target`.
 */

/** Who is asking, from the request's membership (never from client input); email and IP for the audit trail. */
export type ChannelActor = { workspaceId: string; userId: string; role: Role; email?: string; ip?: string | null };

export type { ChannelWarnings };

/** Tests point the save-time destination check at their own resolver; production passes nothing. */
export type ChannelSaveOptions = { http?: SafeHttpOptions };

const NAME_KEY = "channels_workspace_id_owner_name_key";
const notFound = () => new DomainError("NOT_FOUND", "Channel not found");
const isAdmin = (actor: ChannelActor) => hasRole(actor.role, "admin");
const isWebhookKind = (kind: DeliveryChannelKind) => (webhookChannelKinds as readonly string[]).includes(kind);
const nameTaken = (shared: boolean) =>
  new DomainError("CONFLICT", shared ? "The workspace already has a shared channel with this name" : "You already have a channel with this name", { field: "name" });

/** The channels `actor` may see: their own personal ones and every shared one (also for what hangs off them, like deliveries). */
export function channelVisibleTo(actor: ChannelActor): SQL {
  return and(eq(channels.workspaceId, actor.workspaceId), or(isNull(channels.ownerUserId), eq(channels.ownerUserId, actor.userId)))!;
}

function canEdit(actor: ChannelActor, channel: { ownerUserId: string | null }): boolean {
  return channel.ownerUserId === null ? isAdmin(actor) : channel.ownerUserId === actor.userId;
}

type ChannelRow = typeof channels.$inferSelect;

/** A channel as the API returns it: never a secret, only the masked `target`. */
export type ChannelView = Pick<
  ChannelRow,
  | "id"
  | "kind"
  | "name"
  | "ownerUserId"
  | "target"
  | "settings"
  | "maxRetries"
  | "enabled"
  | "disabledReason"
  | "disabledAt"
  | "consecutiveFailures"
  | "lastDeliveredAt"
  | "lastFailedAt"
  | "createdAt"
  | "updatedAt"
> & {
  shared: boolean;
  /** Whether the caller may change it (their personal channel, or a shared one when admin). */
  canEdit: boolean;
  /** Webhooks during the 24 h after a rotation: until when the previous signing secret also signs. */
  previousSigningSecretExpiresAt: Date | null;
};

function toView(actor: ChannelActor, row: ChannelRow, now = new Date()): ChannelView {
  const overlapEnds = row.previousSigningSecretExpiresAt;
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    shared: row.ownerUserId === null,
    ownerUserId: row.ownerUserId,
    target: row.target,
    settings: row.settings,
    maxRetries: row.maxRetries,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt,
    consecutiveFailures: row.consecutiveFailures,
    lastDeliveredAt: row.lastDeliveredAt,
    lastFailedAt: row.lastFailedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    canEdit: canEdit(actor, row),
    previousSigningSecretExpiresAt: overlapEnds && overlapEnds > now ? overlapEnds : null,
  };
}

/** The channels the caller may see — or, with `usableBy`, those a personal or a shared rule may use — personal first, then by name. */
export async function listChannels(db: Db, actor: ChannelActor, filters: ListChannelsInput = {}): Promise<ChannelView[]> {
  const where = filters.usableBy === "shared" ? and(eq(channels.workspaceId, actor.workspaceId), isNull(channels.ownerUserId)) : channelVisibleTo(actor);
  const rows = await db
    .select()
    .from(channels)
    .where(where)
    .orderBy(sql`${channels.ownerUserId} is null`, sql`lower(${channels.name})`, asc(channels.id));
  const now = new Date();
  return rows.map((row) => toView(actor, row, now));
}

export async function findVisibleChannel(db: DbOrTx, actor: ChannelActor, channelId: string, lock = false): Promise<ChannelRow> {
  const query = db.select().from(channels).where(and(channelVisibleTo(actor), eq(channels.id, channelId)));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound();
  return row;
}

/** A channel the caller may change; one they can see but not change is FORBIDDEN, one they cannot see NOT_FOUND. */
export async function findEditableChannel(db: DbOrTx, actor: ChannelActor, channelId: string, lock = false): Promise<ChannelRow> {
  const row = await findVisibleChannel(db, actor, channelId, lock);
  if (!canEdit(actor, row)) throw new DomainError("FORBIDDEN", "Only admins change shared channels");
  return row;
}

export async function getChannel(db: Db, actor: ChannelActor, channelId: string): Promise<ChannelView> {
  return toView(actor, await findVisibleChannel(db, actor, channelId));
}

/** What a save may change besides name and retries; the URL already checked. */
type ContentChanges = {
  recipients?: string[];
  url?: string;
  auth?: WebhookAuthKind;
  basicUsername?: string;
  bearerToken?: string;
  basicPassword?: string;
};
type StoredContent = { settings: ChannelSettings; secrets: ChannelSecrets };
type Content = StoredContent & { target: string };

const fieldsByKind: Record<keyof ContentChanges, readonly DeliveryChannelKind[]> = {
  recipients: ["email"],
  url: webhookChannelKinds,
  auth: ["webhook"],
  basicUsername: ["webhook"],
  bearerToken: ["webhook"],
  basicPassword: ["webhook"],
};

/** Refuses fields the kind does not have (an email channel's URL, a Slack channel's recipients). */
function refuseForeignFields(kind: DeliveryChannelKind, changes: ContentChanges) {
  for (const field of Object.keys(fieldsByKind) as (keyof ContentChanges)[]) {
    if (changes[field] !== undefined && !fieldsByKind[field].includes(kind)) {
      throw new DomainError("BAD_REQUEST", `${field} does not apply to ${kind} channels`, { field });
    }
  }
}

type WebhookCredentials = { auth: WebhookAuthKind; basicUsername: string | null; bearerToken: string | null; basicPassword: string | null };

/**
 * The Authorization credentials after a save: those typed now, else those stored for the same
 * kind of authentication. Switching kinds (or to "none") drops the old ones.
 */
function resolveWebhookCredentials(changes: ContentChanges, stored: WebhookCredentials | null): WebhookCredentials {
  const auth = changes.auth ?? stored?.auth ?? "none";
  const kept = stored?.auth === auth ? stored : null;
  const credentials = {
    auth,
    bearerToken: auth === "bearer" ? (changes.bearerToken ?? kept?.bearerToken ?? null) : null,
    basicUsername: auth === "basic" ? (changes.basicUsername ?? kept?.basicUsername ?? null) : null,
    basicPassword: auth === "basic" ? (changes.basicPassword ?? kept?.basicPassword ?? null) : null,
  };
  const errors: Record<string, string[]> = {};
  if (auth === "bearer" && !credentials.bearerToken) errors.bearerToken = ["Enter the token sent as Authorization: Bearer"];
  if (auth === "basic" && !credentials.basicUsername) errors.basicUsername = ["Enter the user name for basic authentication"];
  if (auth === "basic" && !credentials.basicPassword) errors.basicPassword = ["Enter the password for basic authentication"];
  if (auth !== "bearer" && changes.bearerToken !== undefined) errors.bearerToken = ["A token is sent only with bearer authentication"];
  if (auth !== "basic" && (changes.basicUsername !== undefined || changes.basicPassword !== undefined)) {
    errors[changes.basicUsername !== undefined ? "basicUsername" : "basicPassword"] = ["A user name and password are sent only with basic authentication"];
  }
  const messages = Object.entries(errors).map(([field, [message]]) => `${field}: ${message}`);
  if (messages.length) throw new DomainError("BAD_REQUEST", messages.join("; "), { fieldErrors: errors });
  return credentials;
}

/** The settings, secrets and masked target a channel has after a save (`stored`: before it; null on create). */
function buildContent(kind: DeliveryChannelKind, changes: ContentChanges, stored: StoredContent | null): Content {
  if (kind === "email") {
    const recipients = changes.recipients ?? (stored?.settings.kind === "email" ? stored.settings.recipients : undefined);
    if (!recipients?.length) throw new DomainError("BAD_REQUEST", "Add at least one recipient", { field: "recipients" });
    return { settings: { kind, recipients }, secrets: { kind }, target: maskEmailRecipients(recipients) };
  }
  const url = changes.url ?? (stored && "url" in stored.secrets ? stored.secrets.url : undefined);
  if (!url) throw new DomainError("BAD_REQUEST", "Enter the webhook URL", { field: "url" });
  const target = maskUrl(url);
  if (kind !== "webhook") return { settings: { kind }, secrets: { kind, url }, target };

  const before = stored?.secrets.kind === "webhook" && stored.settings.kind === "webhook" ? { ...stored.secrets, ...stored.settings } : null;
  const { auth, basicUsername, bearerToken, basicPassword } = resolveWebhookCredentials(changes, before);
  return {
    settings: { kind, auth, basicUsername },
    secrets: {
      kind,
      url,
      bearerToken,
      basicPassword,
      signingSecret: before?.signingSecret ?? generateSigningSecret(),
      previousSigningSecret: before?.previousSigningSecret ?? null,
    },
    target,
  };
}

/** The address a personal email channel mails when no recipient is given: its owner's. */
async function findOwnAddress(db: DbOrTx, userId: string): Promise<string> {
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  if (!user) throw new DomainError("NOT_FOUND", "User not found");
  return user.email.toLowerCase();
}

/**
 * Refuses a new webhook-type channel at the workspace's cap. The workspace row is locked first
 * (`for no key update`: it serialises the creates without blocking inserts that reference the
 * workspace), so two creates racing at the cap count one after the other.
 */
async function checkWebhookChannelCap(tx: DbOrTx, workspaceId: string) {
  const [workspace] = await tx.select({ cap: workspaces.webhookChannelCap }).from(workspaces).where(eq(workspaces.id, workspaceId)).for("no key update");
  if (!workspace) throw new DomainError("NOT_FOUND", "Workspace not found");
  const [row] = await tx
    .select({ n: count() })
    .from(channels)
    .where(and(eq(channels.workspaceId, workspaceId), inArray(channels.kind, [...webhookChannelKinds])));
  const existing = row?.n ?? 0;
  if (existing < workspace.cap) return;
  throw new DomainError(
    "CONFLICT",
    workspace.cap === 0
      ? "Webhook channels are turned off in this workspace (its limit is 0); ask an admin to raise the limit in Settings"
      : `This workspace has ${existing} of ${workspace.cap} webhook channels; delete one, or ask an admin to raise the limit in Settings`,
  );
}

type AuditedChannel = { row: ChannelRow; secrets: ChannelSecrets };

/**
 * Records a channel's change with its secrets masked (a new URL or credential shows as changed,
 * never its value). A personal channel's entry is its owner's alone and raises no event.
 */
async function auditChannel(
  audit: AuditRecorder,
  actor: ChannelActor,
  verb: "created" | "updated" | "deleted",
  before: AuditedChannel | null,
  after: AuditedChannel | null,
  extra?: Record<string, unknown>,
) {
  const { row } = (after ?? before)!;
  await audit({
    workspaceId: actor.workspaceId,
    actor: { userId: actor.userId, email: actor.email, ip: actor.ip },
    objectType: "channel",
    objectId: row.id,
    objectLabel: row.name,
    verb,
    before: before && snapshotChannel(before.row, before.secrets),
    after: after && snapshotChannel(after.row, after.secrets),
    privateToUserId: row.ownerUserId,
    extra,
  });
}

const opened = (row: ChannelRow): AuditedChannel => ({ row, secrets: openChannelForSend(row).secrets });

/**
 * Tocsin switched a channel off after its deliveries kept failing: recorded with no actor, in the
 * transaction `tx` that switched it off. Returns the audit event's id (null for a personal
 * channel, whose entry is its owner's alone), for the caller to fan out after the commit.
 */
export async function auditChannelSwitchedOff(tx: DbOrTx, row: ChannelRow, reason: string): Promise<string | null> {
  const { secrets } = openChannelForSend(row);
  const recorded = await recordAuditEntry(tx, {
    workspaceId: row.workspaceId,
    actor: tocsinActor,
    objectType: "channel",
    objectId: row.id,
    objectLabel: row.name,
    verb: "updated",
    before: snapshotChannel({ ...row, enabled: true, disabledReason: null }, secrets),
    after: snapshotChannel({ ...row, enabled: false, disabledReason: reason }, secrets),
    privateToUserId: row.ownerUserId,
  });
  return recorded?.eventId ?? null;
}

const sealFor = (actor: ChannelActor, channelId: string, secrets: ChannelSecrets) => sealSecrets(secrets, { workspaceId: actor.workspaceId, channelId });
const touched = () => sql`greatest(now(), ${channels.updatedAt} + interval '1 millisecond')`;

export type SavedChannel = { channel: ChannelView; warnings: ChannelWarnings };

/**
 * Creates a channel, all of it or nothing. A webhook's signing secret is returned here once, so
 * it can be shown at once; afterwards only `revealSigningSecret` shows it.
 */
export async function createChannel(
  db: Db,
  actor: ChannelActor,
  input: CreateChannelInput,
  options: ChannelSaveOptions = {},
): Promise<SavedChannel & { signingSecret: string | null }> {
  if (input.shared && !isAdmin(actor)) throw new DomainError("FORBIDDEN", "Shared channels are set up by admins; create a personal channel instead");
  const changes: ContentChanges = { ...input };
  const checked = "url" in input ? await checkChannelUrl(input.kind, input.url, options.http) : { warnings: {} };
  if (input.kind === "email" && !input.recipients && !input.shared) changes.recipients = [await findOwnAddress(db, actor.userId)];
  const content = buildContent(input.kind, changes, null);
  const channelId = uuidv7();
  const sealed = sealFor(actor, channelId, content.secrets);
  try {
    const row = await runAuditedTransaction(db, async (tx, audit) => {
      if (isWebhookKind(input.kind)) await checkWebhookChannelCap(tx, actor.workspaceId);
      const [inserted] = await tx
        .insert(channels)
        .values({
          id: channelId,
          workspaceId: actor.workspaceId,
          ownerUserId: input.shared ? null : actor.userId,
          createdById: actor.userId,
          kind: input.kind,
          name: input.name,
          settings: content.settings,
          ...sealed,
          target: content.target,
          maxRetries: input.maxRetries,
        })
        .returning();
      await auditChannel(audit, actor, "created", null, { row: inserted!, secrets: content.secrets });
      return inserted!;
    });
    const signingSecret = content.secrets.kind === "webhook" ? content.secrets.signingSecret : null;
    return { channel: toView(actor, row), warnings: checked.warnings, signingSecret };
  } catch (error) {
    if (isUniqueViolation(error, NAME_KEY)) throw nameTaken(input.shared);
    throw error;
  }
}

/** Changes a channel: omitted fields (secrets included) stay; a new URL is checked again. */
export async function updateChannel(db: Db, actor: ChannelActor, input: UpdateChannelInput, options: ChannelSaveOptions = {}): Promise<SavedChannel> {
  const { channelId, name, maxRetries, ...changes } = input;
  // Kind and owner never change: known before the URL is checked, outside the transaction (DNS is slow).
  const { kind, ownerUserId } = await findEditableChannel(db, actor, channelId);
  refuseForeignFields(kind, changes);
  const checked = changes.url !== undefined ? await checkChannelUrl(kind, changes.url, options.http) : { warnings: {} };
  try {
    const row = await runAuditedTransaction(db, async (tx, audit) => {
      const existing = await findEditableChannel(tx, actor, channelId, true);
      const before = opened(existing);
      const content = buildContent(kind, changes, { settings: existing.settings, secrets: before.secrets });
      const [updated] = await tx
        .update(channels)
        .set({
          name: name ?? existing.name,
          maxRetries: maxRetries ?? existing.maxRetries,
          settings: content.settings,
          ...sealFor(actor, existing.id, content.secrets),
          target: content.target,
          updatedAt: touched(),
        })
        .where(and(eq(channels.workspaceId, actor.workspaceId), eq(channels.id, existing.id)))
        .returning();
      await auditChannel(audit, actor, "updated", before, { row: updated!, secrets: content.secrets });
      return updated!;
    });
    return { channel: toView(actor, row), warnings: checked.warnings };
  } catch (error) {
    if (isUniqueViolation(error, NAME_KEY)) throw nameTaken(ownerUserId === null);
    throw error;
  }
}

/**
 * Switches a channel off or on. Enabling clears why Tocsin had switched it off and its failure
 * count, so the next failures count from zero. Asking for the state it is already in changes nothing.
 */
export async function setChannelEnabled(db: Db, actor: ChannelActor, channelId: string, enabled: boolean): Promise<ChannelView> {
  const row = await runAuditedTransaction(db, async (tx, audit) => {
    const existing = await findEditableChannel(tx, actor, channelId, true);
    if (existing.enabled === enabled) return existing;
    const [updated] = await tx
      .update(channels)
      .set({
        enabled,
        disabledReason: null,
        disabledAt: enabled ? null : new Date(),
        ...(enabled ? { consecutiveFailures: 0 } : {}),
        updatedAt: touched(),
      })
      .where(and(eq(channels.workspaceId, actor.workspaceId), eq(channels.id, existing.id)))
      .returning();
    await auditChannel(audit, actor, "updated", opened(existing), opened(updated!));
    return updated!;
  });
  return toView(actor, row);
}

/** Deletes a channel; its rule attachments and deliveries go with it. */
export async function deleteChannel(db: Db, actor: ChannelActor, channelId: string): Promise<{ id: string }> {
  return runAuditedTransaction(db, async (tx, audit) => {
    const existing = await findEditableChannel(tx, actor, channelId, true);
    const [used] = await tx
      .select({ n: count() })
      .from(ruleChannels)
      .where(and(eq(ruleChannels.workspaceId, actor.workspaceId), eq(ruleChannels.channelId, existing.id)));
    await tx.delete(channels).where(and(eq(channels.workspaceId, actor.workspaceId), eq(channels.id, existing.id)));
    await auditChannel(audit, actor, "deleted", opened(existing), null, { rulesAffected: used?.n ?? 0 });
    return { id: existing.id };
  });
}

export type SigningSecrets = {
  signingSecret: string;
  /** During the 24 h after a rotation: the previous secret, which also signs until `previousSigningSecretExpiresAt`. */
  previousSigningSecret: string | null;
  previousSigningSecretExpiresAt: Date | null;
};

function webhookSecretsOf(row: ChannelRow): Extract<ChannelSecrets, { kind: "webhook" }> {
  const secrets = row.kind === "webhook" ? openChannelForSend(row).secrets : null;
  if (secrets?.kind !== "webhook") throw new DomainError("BAD_REQUEST", "Only webhook channels have a signing secret");
  return secrets;
}

function signingSecretsOf(secrets: Extract<ChannelSecrets, { kind: "webhook" }>, expiresAt: Date | null, now = new Date()): SigningSecrets {
  const overlapping = secrets.previousSigningSecret !== null && expiresAt !== null && expiresAt > now;
  return {
    signingSecret: secrets.signingSecret,
    previousSigningSecret: overlapping ? secrets.previousSigningSecret : null,
    previousSigningSecretExpiresAt: overlapping ? expiresAt : null,
  };
}

/** A webhook's signing secret(s), for whoever may change the channel. */
export async function revealSigningSecret(db: Db, actor: ChannelActor, channelId: string): Promise<SigningSecrets> {
  const row = await findEditableChannel(db, actor, channelId);
  return signingSecretsOf(webhookSecretsOf(row), row.previousSigningSecretExpiresAt);
}

/**
 * Makes a new signing secret. The one it replaces keeps signing for 24 h beside it, so receivers
 * can switch without rejecting a delivery; an older previous secret is dropped.
 */
export async function rotateSigningSecret(db: Db, actor: ChannelActor, channelId: string): Promise<SigningSecrets> {
  return runAuditedTransaction(db, async (tx, audit) => {
    const existing = await findEditableChannel(tx, actor, channelId, true);
    const secrets = webhookSecretsOf(existing);
    const rotated = { ...secrets, signingSecret: generateSigningSecret(), previousSigningSecret: secrets.signingSecret };
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SIGNING_SECRET_OVERLAP_MS);
    const [updated] = await tx
      .update(channels)
      .set({ ...sealFor(actor, existing.id, rotated), previousSigningSecretExpiresAt: expiresAt, updatedAt: touched() })
      .where(and(eq(channels.workspaceId, actor.workspaceId), eq(channels.id, existing.id)))
      .returning();
    await auditChannel(audit, actor, "updated", { row: existing, secrets }, { row: updated!, secrets: rotated });
    return signingSecretsOf(rotated, expiresAt, now);
  });
}

/**
 * The channels a rule may deliver to, checked: each must be this workspace's and usable by the
 * rule — a personal rule uses its owner's personal channels and shared ones, a shared rule shared
 * ones only. Anything else is NOT_FOUND, so another member's channels stay invisible.
 */
export async function resolveRuleChannels(
  tx: DbOrTx,
  rule: { workspaceId: string; userId: string; ruleKind: RuleKind },
  channelIds: readonly string[],
): Promise<string[]> {
  const unique = [...new Set(channelIds)];
  if (unique.length === 0) return [];
  const usable = rule.ruleKind === "personal" ? or(isNull(channels.ownerUserId), eq(channels.ownerUserId, rule.userId)) : isNull(channels.ownerUserId);
  const found = await tx
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.workspaceId, rule.workspaceId), inArray(channels.id, unique), usable));
  if (found.length !== unique.length) {
    const message = rule.ruleKind === "shared" ? "Channel not found: a shared rule delivers to shared channels only" : "Channel not found";
    throw new DomainError("NOT_FOUND", message, { field: "channelIds" });
  }
  return unique.sort();
}
