import type { AdapterContext, AdapterResult } from "../adapter-result";
import { parseWith } from "../issues";
import { buildFingerprint } from "../keys";
import { finaliseEvent } from "../normalised-event";
import { parseTimestamp } from "../timestamps";
import { genericEventFields, genericEventSchema } from "./generic-schema";

// Names people reach for from other tools' formats, so the error can point at the right one.
const likelyMeant: Record<string, string> = {
  timestamp: "occurredAt",
  time: "occurredAt",
  date: "occurredAt",
  occurred_at: "occurredAt",
  level: "severity",
  priority: "severity",
  description: "message",
  body: "message",
  text: "message",
  summary: "title",
  id: "externalId",
  external_id: "externalId",
  user: "actor",
  username: "actor",
  ip: "clientIp",
  client_ip: "clientIp",
  details: "data",
  metadata: "data",
};

function describeUnknownKey(key: string): string {
  const hint = likelyMeant[key] ?? likelyMeant[key.toLowerCase()];
  const allowed = genericEventFields.join(", ");
  return hint ? `Unknown field "${key}"; did you mean "${hint}"?` : `Unknown field "${key}"; allowed fields: ${allowed}`;
}

/** Tocsin's own JSON format; strict, so a misspelt field is an error rather than silently lost. */
export function normaliseGeneric(item: unknown, context: AdapterContext): AdapterResult {
  const parsed = parseWith(genericEventSchema, item, { describeUnknownKey });
  if (!parsed.ok) return parsed;
  const input = parsed.data;
  const occurred = input.occurredAt === undefined ? null : parseTimestamp(input.occurredAt);
  const actor = input.actor ?? null;
  const clientIp = input.clientIp ?? null;
  return finaliseEvent({
    type: input.type,
    severity: input.severity,
    title: input.title,
    message: input.message ?? null,
    actor,
    clientIp,
    occurredAt: occurred?.ok ? occurred.date : context.receivedAt,
    externalId: input.externalId ?? null,
    // An explicit null means "do not group"; only a missing fingerprint gets the default.
    fingerprint: input.fingerprint === undefined ? buildFingerprint(input.type, actor ?? clientIp ?? input.title) : input.fingerprint,
    data: input.data ?? null,
    raw: item,
  });
}
