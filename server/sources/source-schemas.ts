import { z } from "zod";
import { sourceFormats } from "@/server/db/schema";
import { communityIdSchema } from "@/server/communities/community-schemas";
import { MAX_SILENCE_AFTER_SECONDS, MIN_SILENCE_AFTER_SECONDS } from "./silence-thresholds";

export const sourceIdSchema = z.uuid({ message: "Not a source id" });

export const sourceNameSchema = z
  .string()
  .trim()
  .min(1, "Give the source a name")
  .max(80, "A name has at most 80 characters")
  .regex(/^[\p{L}\p{N}_\- ]+$/u, "Use letters, digits, dashes, underscores and spaces");

export const sourceFormatSchema = z.enum(sourceFormats, { message: `Choose one of: ${sourceFormats.join(", ")}` });

/**
 * Seconds without events before `intake.silent` is raised (15 min to 7 days, in whole minutes:
 * the watcher ticks once a minute); null turns the watch off.
 */
export const silenceAfterSecondsSchema = z
  .number({ message: "A number of seconds, or null for no silence watch" })
  .int("Whole seconds only")
  .min(MIN_SILENCE_AFTER_SECONDS, `At least 15 minutes (${MIN_SILENCE_AFTER_SECONDS} seconds)`)
  .max(MAX_SILENCE_AFTER_SECONDS, `At most 7 days (${MAX_SILENCE_AFTER_SECONDS} seconds)`)
  .refine((seconds) => seconds % 60 === 0, "Whole minutes only (a multiple of 60 seconds)")
  .nullable();

export const rateLimitSchema = z.number().int("A whole number").min(1, "At least 1 request per second").max(100_000, "At most 100000");

export const createSourceInput = z.object({
  communityId: communityIdSchema,
  name: sourceNameSchema,
  format: sourceFormatSchema,
  silenceAfterSeconds: silenceAfterSecondsSchema.default(null),
  rateLimitPerSecond: rateLimitSchema.default(100),
});
export type CreateSourceInput = z.infer<typeof createSourceInput>;

export const updateSourceInput = z.object({
  sourceId: sourceIdSchema,
  name: sourceNameSchema,
  enabled: z.boolean(),
  silenceAfterSeconds: silenceAfterSecondsSchema,
  rateLimitPerSecond: rateLimitSchema,
});
export type UpdateSourceInput = z.infer<typeof updateSourceInput>;

export const rotateSourceTokenInput = z.object({
  sourceId: sourceIdSchema,
  // How long the previous token keeps working, so the tool can be updated without losing events.
  graceMinutes: z.number().int("Whole minutes only").min(0, "Cannot be negative").max(10_080, "At most 7 days (10080 minutes)"),
});

export const sourceRefInput = z.object({ sourceId: sourceIdSchema });
export const deleteSourceInput = z.object({
  sourceId: sourceIdSchema,
  confirmName: z.string().trim().min(1, "Type the source's name to confirm"),
});
