import { z } from "zod";
import { severities } from "@/server/events/severities";
import { typePatternSchema } from "./type-pattern";

/*
 * What a rule says, independent of where it is stored: which event types trigger it and which
 * conditions must all hold (authentik's Event Matcher semantics). The rule editor, the tRPC
 * routers, the preview and the fan-out all validate and read rules through these schemas.
 */

export const MAX_TRIGGERS = 50;
export const MAX_FIELD_MATCHERS = 20;
export const MAX_MATCHER_VALUES = 100;
export const MAX_MATCHER_VALUE_LENGTH = 500;
export const MAX_CEL_LENGTH = 2000;
export const MAX_PRODUCTS = 100;
export const MAX_PRODUCT_NAME_LENGTH = 200;

/** Normalised event fields a field matcher may name; `data.<path>` and `raw.<path>` reach into the payloads. */
export const matchableFields = ["type", "severity", "title", "message", "actor", "clientIp", "externalId", "fingerprint", "origin"] as const;
export type MatchableField = (typeof matchableFields)[number];

export const fieldMatcherOperators = ["equals", "oneOf", "contains", "regex", "cidr"] as const;
export type FieldMatcherOperator = (typeof fieldMatcherOperators)[number];

/** `clientIp`, `title`, …, or a dotted payload path such as `data.asset.name` / `raw.context.geo.country`. */
export const fieldPathSchema = z
  .string()
  .trim()
  .min(1, "Choose a field")
  .max(200, "A field path has at most 200 characters")
  .refine(
    (path) => (matchableFields as readonly string[]).includes(path) || /^(data|raw)(\.[A-Za-z0-9_$-]+)+$/.test(path),
    "Use a normalised field (type, severity, title, message, actor, clientIp, externalId, fingerprint, origin) or a payload path such as data.asset.name",
  );

const matcherValue = z.string().max(MAX_MATCHER_VALUE_LENGTH, `A value has at most ${MAX_MATCHER_VALUE_LENGTH} characters`);

export const fieldMatcherSchema = z.discriminatedUnion("operator", [
  z.object({ field: fieldPathSchema, operator: z.literal("equals"), value: matcherValue, negate: z.boolean().default(false) }),
  z.object({
    field: fieldPathSchema,
    operator: z.literal("oneOf"),
    values: z.array(matcherValue).min(1, "Give at least one value").max(MAX_MATCHER_VALUES),
    negate: z.boolean().default(false),
  }),
  z.object({ field: fieldPathSchema, operator: z.literal("contains"), value: matcherValue.min(1), negate: z.boolean().default(false) }),
  // Checked for catastrophic backtracking and run against bounded input by the matcher.
  z.object({ field: fieldPathSchema, operator: z.literal("regex"), pattern: matcherValue.min(1), negate: z.boolean().default(false) }),
  // CIDR blocks (IPv4 or IPv6) the field's address must fall in; usually clientIp.
  z.object({
    field: fieldPathSchema,
    operator: z.literal("cidr"),
    blocks: z.array(matcherValue).min(1, "Give at least one CIDR block").max(MAX_MATCHER_VALUES),
    negate: z.boolean().default(false),
  }),
]);
export type FieldMatcher = z.infer<typeof fieldMatcherSchema>;

export const ruleConditionsSchema = z.object({
  minSeverity: z.enum(severities).nullable().default(null),
  /** Only events from these intake sources; empty = any source. */
  sourceIds: z.array(z.uuid()).max(200).default([]),
  /**
   * Only events about these products (SecObserve's security gates and the like): `data.product`
   * equal to one of them, ignoring case; empty = any product, and events naming none.
   */
  products: z
    .array(z.string().trim().min(1, "A product name cannot be empty").max(MAX_PRODUCT_NAME_LENGTH, `A product name has at most ${MAX_PRODUCT_NAME_LENGTH} characters`))
    .max(MAX_PRODUCTS, `At most ${MAX_PRODUCTS} products`)
    .default([]),
  fields: z.array(fieldMatcherSchema).max(MAX_FIELD_MATCHERS).default([]),
  /** Optional CEL expression over `event` that must evaluate to true. */
  cel: z.string().trim().max(MAX_CEL_LENGTH, `A CEL expression has at most ${MAX_CEL_LENGTH} characters`).nullable().default(null),
});
export type RuleConditions = z.infer<typeof ruleConditionsSchema>;

export const ruleTriggersSchema = z
  .array(typePatternSchema)
  .min(1, "Add at least one event type or pattern")
  .max(MAX_TRIGGERS, `A rule has at most ${MAX_TRIGGERS} triggers`);

/** The fields of an event that rules see: the `events` row, as the fan-out and the preview load it. */
export type MatchableEvent = {
  id: string;
  communityId: string | null;
  sourceId: string | null;
  type: string;
  severity: (typeof severities)[number];
  title: string;
  message: string | null;
  actor: string | null;
  clientIp: string | null;
  occurredAt: Date;
  receivedAt: Date;
  externalId: string | null;
  fingerprint: string | null;
  origin: "ingest" | "system" | "audit";
  data: Record<string, unknown> | null;
  raw: unknown;
};
