import { z } from "zod";
import { workspaceModes } from "@/server/db/schema";
import { displayNameSchema } from "@/server/display-name";

// Slugs appear in URLs (/w/<slug>/…), so some words that name app routes are kept out.
const reservedSlugs = new Set(["new", "api", "admin", "settings", "w", "www", "app", "auth", "outbox", "invite", "sign-in", "sign-out"]);

export const workspaceSlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, "A slug has at least 3 characters")
  .max(40, "A slug has at most 40 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lowercase letters, digits and dashes, starting and ending with a letter or digit")
  .refine((slug) => !slug.includes("--"), "A slug cannot contain two dashes in a row")
  .refine((slug) => !reservedSlugs.has(slug), "This slug is reserved");

export const workspaceNameSchema = displayNameSchema("workspace");

export const workspaceModeSchema = z.enum(workspaceModes, { message: "Choose single or multi" });

export const createWorkspaceInput = z.object({
  name: workspaceNameSchema,
  slug: workspaceSlugSchema,
  mode: workspaceModeSchema,
});
export type CreateWorkspaceInput = z.infer<typeof createWorkspaceInput>;

export const timezoneSchema = z
  .string()
  .trim()
  // Aborting keeps an empty field to one message instead of also calling it unknown.
  .min(1, { message: "Choose a timezone", abort: true })
  .refine(isKnownTimezone, "Unknown timezone (use an IANA name such as Europe/Paris)")
  // Stored as the runtime spells it ("europe/paris" → "Europe/Paris"), so it matches lists of names.
  .transform((timezone) => new Intl.DateTimeFormat("en", { timeZone: timezone }).resolvedOptions().timeZone);

export const workspaceSettingsInput = z.object({
  name: workspaceNameSchema,
  timezone: timezoneSchema,
  retentionDays: z.number().int("Whole days only").min(1, "At least 1 day").max(3650, "At most 3650 days"),
  webhookChannelCap: z.number().int("A whole number").min(0, "Cannot be negative").max(1000, "At most 1000"),
  mode: workspaceModeSchema,
  // Inbox hygiene; optional so that a form without these fields leaves them as they are.
  /** Entries kept in each member's inbox; beyond it the oldest (read ones first) are archived. */
  inboxCap: z.number().int("A whole number").min(100, "At least 100").max(1_000_000, "At most 1000000").optional(),
  /** Entries older than this many days are archived. */
  inboxAutoArchiveDays: z.number().int("Whole days only").min(1, "At least 1 day").max(3650, "At most 3650 days").optional(),
});
export type WorkspaceSettingsInput = z.infer<typeof workspaceSettingsInput>;

/** Suggests a slug from a workspace name ("ACME Corp." → "acme-corp"). */
export function suggestSlug(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
}

function isKnownTimezone(timezone: string): boolean {
  // Names only: runtimes following newer ECMA-402 may accept offsets such as "+01:00" too, and
  // PostgreSQL reads those with the opposite (POSIX) sign.
  if (!/^[A-Za-z]/.test(timezone)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}
