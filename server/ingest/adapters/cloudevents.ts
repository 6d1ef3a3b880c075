import { z } from "zod";
import { failWith, type AdapterContext, type AdapterResult } from "../adapter-result";
import { toEventType } from "../event-type";
import { parseWith } from "../issues";
import { dropEmpty, isPlainObject, type JsonObject } from "../json";
import { boundKey, buildFingerprint } from "../keys";
import { finaliseEvent, isIpAddress } from "../normalised-event";
import { parseSeverity } from "../severity";
import { pickText } from "../text";
import { parseTimestamp } from "../timestamps";
import { decodeCloudEventData } from "./cloudevents-data";

// The context attributes CloudEvents 1.0 defines; every other top-level member is an extension.
const coreAttributes = new Set(["specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema", "data", "data_base64"]);

// The JSON format treats null for an optional attribute as absent.
const optionalString = z.string().nullish();

const cloudEventSchema = z
  .looseObject({
    specversion: z.literal("1.0", { error: (issue) => (issue.input === undefined ? "Required" : 'Expected "1.0": only CloudEvents 1.0 is supported') }),
    id: z.string().min(1),
    source: z.string().min(1),
    type: z.string().min(1),
    time: optionalString,
    subject: optionalString,
    datacontenttype: optionalString,
    dataschema: optionalString,
    data: z.unknown().optional(),
    data_base64: optionalString,
  })
  .superRefine((event, context) => {
    if (event.time != null) {
      const parsed = parseTimestamp(event.time);
      if (!parsed.ok) context.addIssue({ code: "custom", path: ["time"], message: parsed.message });
    }
    if (event.data !== undefined && event.data_base64 != null) {
      context.addIssue({ code: "custom", path: ["data_base64"], message: "An event has data or data_base64, not both" });
    }
  });

/** CloudEvents 1.0 in structured JSON mode; a batch is an array of these, one adapter call each. */
export function normaliseCloudEvent(item: unknown, context: AdapterContext): AdapterResult {
  const parsed = parseWith(cloudEventSchema, item);
  if (!parsed.ok) return parsed;
  const event = parsed.data;
  const decoded = decodeCloudEventData(event.data, event.data_base64, event.datacontenttype);
  if (!decoded.ok) return failWith("event.data_base64", decoded.message);
  const payload = decoded.value;
  const fields = isPlainObject(payload) ? payload : {};

  const type = toEventType(event.type);
  if (!type) return failWith("event.type", "Has no letters or digits to make an event type from");
  const extensions = pickExtensions(event);
  const occurred = event.time == null ? null : parseTimestamp(event.time);
  const subject = pickText(event.subject);
  const clientIp = pickText(fields.clientIp, fields.client_ip);

  return finaliseEvent({
    type,
    severity: parseSeverity(extensions.severity) ?? parseSeverity(fields.severity) ?? "info",
    title: pickText(fields.title, fields.summary) ?? (subject ? `${event.type}: ${subject}` : event.type),
    message: pickText(fields.message, fields.description, typeof payload === "string" ? payload : null),
    actor: pickText(extensions.actor, fields.actor, fields.user),
    // Producer data, not a CloudEvents attribute: a value that is no address is left in data.
    clientIp: clientIp && isIpAddress(clientIp) ? clientIp : null,
    occurredAt: occurred?.ok ? occurred.date : context.receivedAt,
    // Producers keep id unique per source. A space cannot occur in a URI-reference like source,
    // so "source id" never reads the same for two different pairs.
    externalId: boundKey(`${event.source} ${event.id}`),
    fingerprint: buildFingerprint(type, subject ?? event.source),
    data: dropEmpty({
      source: event.source,
      id: event.id,
      subject,
      datacontenttype: event.datacontenttype,
      dataschema: event.dataschema,
      extensions: Object.keys(extensions).length ? extensions : null,
      data: payload,
    }),
    raw: item,
  });
}

function pickExtensions(event: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(event).filter(([name]) => !coreAttributes.has(name)));
}
