import { z } from "zod";
import { failWith, type AdapterContext, type AdapterResult } from "../adapter-result";
import { toTypeSegment } from "../event-type";
import { parseWith } from "../issues";
import { dropEmpty, isPlainObject, pickObject, type JsonObject } from "../json";
import { boundKey, buildFingerprint } from "../keys";
import { finaliseEvent, ipAddressHint, isIpAddress } from "../normalised-event";
import { joinLines, pickFirstLine, pickText } from "../text";
import { parseTimestamp } from "../timestamps";
import { authentikActionSeverity, describeAuthentikAction } from "./authentik-actions";

const eventSchema = z.looseObject({
  pk: z.union([z.string().min(1), z.number()]).nullish(),
  event_uuid: z.string().min(1).nullish(),
  action: z.string().min(1),
  app: z.string().nullish(),
  user: z
    .looseObject({ email: z.string().nullish(), username: z.string().nullish() })
    .nullish(),
  context: z.record(z.string(), z.unknown()).nullish(),
  client_ip: z.string().refine(isIpAddress, ipAddressHint).nullish(),
  created: z.string().nullish(),
  brand: z.record(z.string(), z.unknown()).nullish(),
});

type AuthentikEvent = z.output<typeof eventSchema>;

// Objects authentik puts in an event's context, named by what the event is about.
const subjectKeys = ["model", "secret", "policy", "mapping", "authorized_application", "source", "invitation"];

/** An authentik event as its API and event exports show it (see fixtures/authentik-event-login.json). */
export function normaliseAuthentikEvent(item: unknown, context: AdapterContext): AdapterResult {
  const parsed = parseWith(eventSchema, item);
  if (!parsed.ok) return parsed;
  const event = parsed.data;
  const action = toTypeSegment(event.action.trim());
  if (!/[a-z0-9]/.test(action)) return failWith("event.action", "Has no letters or digits to make an event type from");
  let occurredAt = context.receivedAt;
  if (event.created != null) {
    const created = parseTimestamp(event.created);
    if (!created.ok) return failWith("event.created", created.message);
    occurredAt = created.date;
  }
  const type = `authentik.${action}`;
  const eventContext = event.context ?? {};
  const actor = pickActor(event);
  const clientIp = event.client_ip ?? null;
  const externalId = event.pk ?? event.event_uuid;
  return finaliseEvent({
    type,
    severity: authentikActionSeverity[action] ?? "info",
    title: describeAuthentikAction(action, { who: actor, what: pickSubject(action, eventContext) }),
    message: renderContext(eventContext),
    actor,
    clientIp,
    occurredAt,
    externalId: externalId == null ? null : boundKey(String(externalId)),
    fingerprint: buildFingerprint(type, actor ?? clientIp),
    data: dropEmpty({ app: event.app, context: eventContext, brand: event.brand, user: event.user }),
    raw: item,
  });
}

// Before sign-in the event's user is AnonymousUser; the name that was tried is in the context.
function pickActor(event: AuthentikEvent): string | null {
  const username = pickText(event.user?.username);
  if (username && username !== "AnonymousUser") return username;
  return pickText(event.context?.username, event.user?.email, username);
}

function pickSubject(action: string, context: JsonObject): string | null {
  // The impersonated user, as authentik serialises a model: pk, app, name, model_name.
  if (action.startsWith("impersonation_")) return pickText(pickObject(context, "user")?.username, pickObject(context, "user")?.name);
  if (action === "update_available") return pickText(context.new_version);
  for (const key of subjectKeys) {
    const object = pickObject(context, key);
    const name = pickText(object?.name);
    if (name) return key === "model" && typeof object?.model_name === "string" ? `${object.model_name} ${name}` : name;
  }
  return pickFirstLine(pickText(context.message));
}

/** The context as readable lines: its message first, then one "key: value" line per entry. */
function renderContext(context: JsonObject): string | null {
  const lines = Object.entries(context).map(([key, value]) => {
    if (key === "message") return null;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return `${key}: ${value}`;
    if (!isPlainObject(value)) return null;
    if (key === "http_request" && typeof value.path === "string") return `request: ${[pickText(value.method), value.path].filter(Boolean).join(" ")}`;
    const name = pickText(value.name, value.username);
    return name ? `${key}: ${name}` : null;
  });
  return joinLines([pickText(context.message), ...lines]) || null;
}
