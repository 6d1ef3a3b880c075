import { z } from "zod";
import { eventTypeHint, eventTypePattern, maxEventTypeLength } from "../event-type";
import { maxKeyLength } from "../keys";
import { ipAddressHint, isIpAddress, maxActorLength, maxMessageLength, maxTitleLength } from "../normalised-event";
import { severities } from "../severity";
import { parseTimestamp } from "../timestamps";

const occurredAtSchema = z
  .union([
    z.string().meta({ format: "date-time", description: "ISO 8601 / RFC 3339 date-time with a timezone." }),
    z.number().meta({ description: "Epoch seconds, or epoch milliseconds for values of 10^12 and above." }),
  ])
  .superRefine((value, context) => {
    const parsed = parseTimestamp(value);
    if (!parsed.ok) context.addIssue({ code: "custom", message: parsed.message });
  });

/** Tocsin's own event format: the fields of an event, named as Tocsin names them. */
export const genericEventSchema = z.strictObject({
  type: z
    .string()
    .min(1)
    .max(maxEventTypeLength)
    .regex(eventTypePattern, eventTypeHint)
    .meta({
      description: "What happened, as lowercase dotted words; rules trigger on it (wildcards allowed there, e.g. backup.*).",
      examples: ["backup.failed", "auth.login_failed", "alert.created"],
    }),
  severity: z
    .enum(severities)
    .default("info")
    .meta({ description: "How urgent the event is. Defaults to info." }),
  title: z.string().min(1).meta({
    description: `One-line summary shown in notifications. Trimmed; text beyond ${maxTitleLength} characters is cut and ends in "…".`,
  }),
  message: z
    .string()
    .nullable()
    .optional()
    .meta({ description: `Longer plain-text details. Text beyond ${maxMessageLength} characters is cut.` }),
  occurredAt: occurredAtSchema
    .optional()
    .meta({ description: "When it happened. Defaults to the time Tocsin received it." }),
  externalId: z
    .string()
    .min(1)
    .max(maxKeyLength)
    .nullable()
    .optional()
    .meta({ description: "Your id for the event. A second event with the same id on this source is counted as a duplicate, not stored again." }),
  fingerprint: z
    .string()
    .min(1)
    .max(maxKeyLength)
    .nullable()
    .optional()
    .meta({
      description:
        "Groups repeats for throttling: a rule notifies once per fingerprint per throttle window. Defaults to the type plus the actor, client IP or title; null turns grouping off.",
    }),
  actor: z
    .string()
    .max(maxActorLength)
    .nullable()
    .optional()
    .meta({ description: "Who did it: a user name, email address or service account." }),
  clientIp: z
    .string()
    .refine(isIpAddress, ipAddressHint)
    .nullable()
    .optional()
    .meta({ description: "IPv4 or IPv6 address the action came from." }),
  data: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .meta({ description: "Any further fields, as a JSON object; rule conditions can match on them (e.g. data.host)." }),
});

export type GenericEvent = z.output<typeof genericEventSchema>;

export const genericEventFields = Object.keys(genericEventSchema.shape);

/** A complete example, shown in the JSON Schema and the setup page. */
export const genericEventExample = {
  type: "backup.failed",
  severity: "high",
  title: "Nightly backup of db-prod-1 failed",
  message: "pg_dump exited with status 1: connection reset by peer.",
  occurredAt: "2024-05-01T02:00:13Z",
  externalId: "backup-run-8812",
  fingerprint: "backup.failed:db-prod-1",
  actor: "backup-bot",
  clientIp: "10.20.0.15",
  data: { host: "db-prod-1", durationSeconds: 742, attempt: 3 },
} as const;
