import { sql } from "drizzle-orm";
import { checkChannelUrl, type ChannelWarnings } from "@/server/channels/check-channel-url";
import { maskUrl } from "@/server/channels/mask-target";
import { openSecrets, sealSecrets, type SecretBinding } from "@/server/channels/secret-box";
import type { SafeHttpOptions } from "@/server/channels/safe-http";
import { getMailFrom } from "@/server/config/runtime";
import type { DbOrTx } from "@/server/db/client";
import { instanceSettings } from "@/server/db/schema";
import { DEFAULT_EXCEPTION_WINDOW_SECONDS, type UpdateInstanceSettingsInput } from "./instance-schemas";
import { getLogger } from "@/server/observability/logger";

const log = getLogger("exceptions");

/** The exception webhook is sealed like a channel secret, bound to this one row. */
const teamsUrlBinding: SecretBinding = { workspaceId: "instance", channelId: "exception-teams-url" };

/** The settings as the admin page shows them: the webhook masked, never in clear. */
export type InstanceSettingsView = {
  emailFrom: string | null;
  /** What is used when `emailFrom` is empty: EMAIL_FROM, else the built-in default. */
  defaultEmailFrom: string;
  exceptionEmails: string[];
  exceptionTeamsUrlMasked: string | null;
  exceptionRateLimitSeconds: number;
  updatedAt: Date | null;
};

type Row = typeof instanceSettings.$inferSelect;

async function readRow(db: DbOrTx): Promise<Row | null> {
  const [row] = await db.select().from(instanceSettings).where(sql`${instanceSettings.id} = 1`);
  return row ?? null;
}

export async function getInstanceSettings(db: DbOrTx): Promise<InstanceSettingsView> {
  const row = await readRow(db);
  return {
    emailFrom: row?.emailFrom ?? null,
    defaultEmailFrom: getMailFrom(),
    exceptionEmails: row?.exceptionEmails ?? [],
    exceptionTeamsUrlMasked: row?.exceptionTeamsUrlMasked ?? null,
    exceptionRateLimitSeconds: row?.exceptionRateLimitSeconds ?? DEFAULT_EXCEPTION_WINDOW_SECONDS,
    updatedAt: row?.updatedAt ?? null,
  };
}

/**
 * Saves the settings (the one row is created on first save). A new Teams webhook goes through the
 * channels' destination check first — refused destinations are a BAD_REQUEST on the field, and
 * nothing is saved — then is sealed; its clear text is never stored or returned.
 */
export async function updateInstanceSettings(
  db: DbOrTx,
  userId: string,
  input: UpdateInstanceSettingsInput,
  options: { safeHttp?: SafeHttpOptions } = {},
): Promise<{ settings: InstanceSettingsView; warnings: ChannelWarnings }> {
  let warnings: ChannelWarnings = {};
  let teams: Pick<Row, "exceptionTeamsUrlSealed" | "exceptionTeamsUrlMasked" | "secretsKeyId"> | undefined;
  if (input.exceptionTeamsUrl === null) {
    teams = { exceptionTeamsUrlSealed: null, exceptionTeamsUrlMasked: null, secretsKeyId: null };
  } else if (input.exceptionTeamsUrl !== undefined) {
    const checked = await checkChannelUrl("teams", input.exceptionTeamsUrl, options.safeHttp);
    // The channels' check names its field `url`; here the field is the Teams webhook.
    warnings = checked.warnings.url ? { exceptionTeamsUrl: checked.warnings.url } : {};
    const sealed = sealSecrets({ url: input.exceptionTeamsUrl }, teamsUrlBinding);
    teams = { exceptionTeamsUrlSealed: sealed.secrets, secretsKeyId: sealed.secretsKeyId, exceptionTeamsUrlMasked: maskUrl(input.exceptionTeamsUrl) };
  }
  const values = {
    emailFrom: input.emailFrom,
    exceptionEmails: input.exceptionEmails,
    exceptionRateLimitSeconds: input.exceptionRateLimitSeconds,
    updatedById: userId,
    updatedAt: new Date(),
    ...teams,
  };
  await db
    .insert(instanceSettings)
    .values({ id: 1, ...values })
    .onConflictDoUpdate({ target: instanceSettings.id, set: values });
  return { settings: await getInstanceSettings(db), warnings };
}

/** Opens the stored exception webhook; null when there is none or it cannot be opened (key gone). */
export function openExceptionTeamsUrl(sealed: string | null, secretsKeyId: string | null): string | null {
  if (!sealed || !secretsKeyId) return null;
  try {
    return openSecrets<{ url: string }>({ secrets: sealed, secretsKeyId }, teamsUrlBinding).url;
  } catch (error) {
    log.error({ err: error }, "the exception Teams webhook cannot be opened");
    return null;
  }
}
