// Inputs of the channel procedures. Dependency-free apart from zod and shared constants, so the
// channel forms can validate with the same schemas as the server. What depends on the stored
// channel (which fields a kind takes, credentials kept from before) is checked in channels.ts.
import { z } from "zod";
import { deliveryChannelKinds } from "@/server/db/schema/channels";
import { DEFAULT_MAX_RETRIES, MAX_RETRIES } from "@/server/deliveries/retry-schedule";

export { DEFAULT_MAX_RETRIES, MAX_RETRIES };
import { displayNameSchema } from "@/server/display-name";
import { emailSchema } from "@/server/members/member-schemas";

export const channelIdSchema = z.uuid({ message: "Not a channel id" });
export const channelNameSchema = displayNameSchema("channel");

export const MAX_EMAIL_RECIPIENTS = 20;
export const MAX_URL_LENGTH = 2048;

export const channelKindSchema = z.enum(deliveryChannelKinds, { message: `Choose a channel kind: ${deliveryChannelKinds.join(", ")}` });

export const webhookAuthKinds = ["none", "bearer", "basic"] as const;
export type WebhookAuthKind = (typeof webhookAuthKinds)[number];
export const webhookAuthSchema = z.enum(webhookAuthKinds, { message: "Choose no authentication, a bearer token, or a user name and password" });

/** Retries after the first attempt: 0–8 (3: +10 s, +1 min, +10 min; 8 spans about a day). */
export const maxRetriesSchema = z
  .number()
  .int("A whole number")
  .min(0, "Cannot be negative")
  .max(MAX_RETRIES, `At most ${MAX_RETRIES} retries`);

/** 1–20 addresses, lower-cased, each once. */
export const recipientsSchema = z
  .array(emailSchema)
  .min(1, "Add at least one recipient")
  .max(MAX_EMAIL_RECIPIENTS, `At most ${MAX_EMAIL_RECIPIENTS} recipients`)
  .transform((addresses) => [...new Set(addresses)]);

/** Where a chat or custom webhook posts; whether Tocsin may reach it is decided when it is saved. */
export const channelUrlSchema = z.string().trim().min(1, "Enter the webhook URL").max(MAX_URL_LENGTH, `A URL has at most ${MAX_URL_LENGTH} characters`);

// Credentials travel in an HTTP header: a line break would let them add headers of their own.
const noControlCharacters = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

export const bearerTokenSchema = z
  .string()
  .trim()
  .min(1, "Enter the token")
  .max(4096, "A token has at most 4096 characters")
  .refine(noControlCharacters, "A token cannot contain line breaks or control characters");

export const basicUsernameSchema = z
  .string()
  .trim()
  .min(1, "Enter the user name")
  .max(200, "A user name has at most 200 characters")
  .refine((value) => noControlCharacters(value) && !value.includes(":"), "A user name cannot contain a colon or control characters");

export const basicPasswordSchema = z
  .string()
  .min(1, "Enter the password")
  .max(1024, "A password has at most 1024 characters")
  .refine(noControlCharacters, "A password cannot contain line breaks or control characters");

/** Everything every kind has. `shared`: the workspace's (admins), instead of the caller's own. */
const channelBase = {
  name: channelNameSchema,
  shared: z.boolean().default(false),
  maxRetries: maxRetriesSchema.default(DEFAULT_MAX_RETRIES),
};

/** The Authorization header of a custom webhook; which credentials `auth` needs is checked when saved. */
const webhookCredentials = {
  basicUsername: basicUsernameSchema.optional(),
  bearerToken: bearerTokenSchema.optional(),
  basicPassword: basicPasswordSchema.optional(),
};

export const createChannelInput = z.discriminatedUnion(
  "kind",
  [
    /** Recipients may be left out of a personal channel: it then mails its owner. */
    z.object({ kind: z.literal("email"), ...channelBase, recipients: recipientsSchema.optional() }),
    z.object({ kind: z.literal(["slack", "teams", "mattermost", "discord"]), ...channelBase, url: channelUrlSchema }),
    z.object({ kind: z.literal("webhook"), ...channelBase, url: channelUrlSchema, auth: webhookAuthSchema.default("none"), ...webhookCredentials }),
  ],
  { error: `Choose a channel kind: ${deliveryChannelKinds.join(", ")}` },
);
export type CreateChannelInput = z.infer<typeof createChannelInput>;

/**
 * Changes to a channel, each field omitted = kept. Secrets too: the URL, token and password are
 * never shown back, so a form leaves them out unless the person types new ones. The kind and
 * personal/shared never change.
 */
export const updateChannelInput = z.object({
  channelId: channelIdSchema,
  name: channelNameSchema.optional(),
  maxRetries: maxRetriesSchema.optional(),
  recipients: recipientsSchema.optional(),
  url: channelUrlSchema.optional(),
  /** Switching to "none" drops the stored credentials. */
  auth: webhookAuthSchema.optional(),
  ...webhookCredentials,
});
export type UpdateChannelInput = z.infer<typeof updateChannelInput>;

export const channelUsages = ["personal", "shared"] as const;
export type ChannelUsage = (typeof channelUsages)[number];

export const listChannelsInput = z.object({
  /** Only the channels a personal rule of the caller (theirs and shared ones), or a shared rule (shared ones), may use. */
  usableBy: z.enum(channelUsages, { message: "Choose personal or shared" }).optional(),
});
export type ListChannelsInput = z.infer<typeof listChannelsInput>;

export const channelRefInput = z.object({ channelId: channelIdSchema });
export const setChannelEnabledInput = z.object({ channelId: channelIdSchema, enabled: z.boolean() });

/** A send test: the channel, and optionally which catalog type's example to send. */
export const channelTestInput = z.object({
  channelId: channelIdSchema,
  type: z.string().trim().min(1).max(120).optional(),
});
