import { z } from "zod";
import { emailSchema } from "@/server/members/member-schemas";

/** The exception notices' rate-limit window: 1 minute to 7 days (the table's check says the same). */
export const MIN_EXCEPTION_WINDOW_SECONDS = 60;
export const MAX_EXCEPTION_WINDOW_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_EXCEPTION_WINDOW_SECONDS = 60 * 60;
export const MAX_EXCEPTION_EMAILS = 20;

/** `alerts@example.com` or `Tocsin alerts <alerts@example.com>`: what Resend and mail clients accept. */
export const mailFromSchema = z
  .string()
  .trim()
  .max(320, "A sender has at most 320 characters")
  .superRefine((value, ctx) => {
    const match = /^(?:([^<>\r\n"]{1,100}?)\s*<([^<>\s]+)>|([^<>\s]+))$/.exec(value);
    const address = match?.[2] ?? match?.[3];
    if (!address || !emailSchema.safeParse(address).success) {
      ctx.addIssue({ code: "custom", message: "Enter an address (alerts@example.com) or a name and an address (Tocsin <alerts@example.com>)" });
    }
  });

/** Comma-separated in the form; each one checked, naming the one that is wrong. */
export const exceptionEmailsSchema = z
  .array(z.string().trim())
  .transform((list) => list.filter(Boolean))
  .superRefine((list, ctx) => {
    if (list.length > MAX_EXCEPTION_EMAILS) ctx.addIssue({ code: "custom", message: `At most ${MAX_EXCEPTION_EMAILS} recipients` });
    for (const email of list) {
      if (!emailSchema.safeParse(email).success) ctx.addIssue({ code: "custom", message: `“${email.slice(0, 100)}” is not a valid email address` });
    }
  })
  .transform((list) => [...new Set(list.map((email) => email.toLowerCase()))]);

export const updateInstanceSettingsInput = z.object({
  /** Empty: fall back to EMAIL_FROM, then the built-in default. */
  emailFrom: z.union([z.literal("").transform(() => null), mailFromSchema]).nullable(),
  exceptionEmails: exceptionEmailsSchema,
  /** Absent: keep the stored webhook; null or empty: remove it; a URL: replace it. */
  exceptionTeamsUrl: z
    .union([z.literal("").transform(() => null), z.string().trim().max(2_000, "A webhook URL has at most 2,000 characters")])
    .nullable()
    .optional(),
  exceptionRateLimitSeconds: z
    .number()
    .int("Whole seconds")
    .min(MIN_EXCEPTION_WINDOW_SECONDS, "At least 1 minute")
    .max(MAX_EXCEPTION_WINDOW_SECONDS, "At most 7 days"),
});
export type UpdateInstanceSettingsInput = z.infer<typeof updateInstanceSettingsInput>;

export const listExceptionsInput = z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 });
