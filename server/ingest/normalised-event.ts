import { isIP } from "node:net";
import { z } from "zod";
import type { AdapterResult } from "./adapter-result";
import { eventTypeHint, eventTypePattern, maxEventTypeLength } from "./event-type";
import { parseWith } from "./issues";
import { isPlainObject, type JsonObject } from "./json";
import { maxKeyLength } from "./keys";
import { severities } from "./severity";
import { cleanText, truncateText } from "./text";

export const maxTitleLength = 300;
export const maxMessageLength = 10_000;
export const maxActorLength = 320;

/** True for an IPv4 or IPv6 address as node:net reads one. */
export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

export const ipAddressHint = "Expected an IPv4 or IPv6 address, such as 203.0.113.7 or 2001:db8::7";

// Free text is cut rather than rejected: one long line in a tool's payload should not cost the event.
const titleSchema = z
  .string()
  .transform((value) => cleanText(value).trim())
  .pipe(z.string().min(1, "Must not be empty"))
  .transform((value) => truncateText(value, maxTitleLength));

const messageSchema = z
  .string()
  .nullable()
  .transform((value) => (value === null ? null : cleanText(value).trim() || null))
  .transform((value) => (value === null ? null : truncateText(value, maxMessageLength)));

// Identifiers are rejected rather than cut: a cut key could silently merge two different things.
const actorSchema = z
  .string()
  .nullable()
  .transform((value) => (value === null ? null : cleanText(value).trim() || null))
  .pipe(z.string().max(maxActorLength).nullable());

const keySchema = z.string().min(1).max(maxKeyLength).nullable();

export const normalisedEventSchema = z.strictObject({
  type: z.string().max(maxEventTypeLength).regex(eventTypePattern, eventTypeHint),
  severity: z.enum(severities),
  title: titleSchema,
  message: messageSchema,
  actor: actorSchema,
  clientIp: z.string().refine(isIpAddress, ipAddressHint).nullable(),
  occurredAt: z.date({ error: "Expected a valid date" }),
  externalId: keySchema,
  fingerprint: keySchema,
  data: z.custom<JsonObject>(isPlainObject, "Expected a JSON object").nullable(),
  raw: z.unknown(),
});

/** An event as an adapter hands it over: what the events table stores, minus ids and tenancy. */
export type NormalisedEvent = z.output<typeof normalisedEventSchema>;
/** What an adapter builds before the final check (titles may still be long, and so on). */
export type NormalisedEventInput = z.input<typeof normalisedEventSchema>;

/** The final gate every adapter's output passes: cleans and cuts text, rejects anything else off. */
export function finaliseEvent(candidate: NormalisedEventInput): AdapterResult {
  const result = parseWith(normalisedEventSchema, candidate);
  return result.ok ? { ok: true, event: result.data } : result;
}
