import { z } from "zod";
import { failWith, type AdapterContext, type AdapterResult } from "../adapter-result";
import { parseWith } from "../issues";
import { dropEmpty, isPlainObject } from "../json";
import { boundKey, buildFingerprint } from "../keys";
import { finaliseEvent } from "../normalised-event";
import { humaniseIdentifier, pickFirstLine, pickText } from "../text";
import { parseTimestamp } from "../timestamps";
import { describeDataTheoremAsset, type DataTheoremAsset } from "./datatheorem-asset";
import { parseDataTheoremType, pickDataTheoremSeverity } from "./datatheorem-types";

const optionalText = z.string().nullish();

const webhookSchema = z.looseObject({
  event: z.looseObject({
    type: z.string().min(1),
    data: z.looseObject({
      uuid: optionalText,
      description: optionalText,
      recommendation: optionalText,
      relevance: optionalText,
      policy_violation_status: optionalText,
      portal_url: optionalText,
      policy_name: optionalText,
      policy_uuid: optionalText,
      policy_portal_url: optionalText,
      exception_explanation: optionalText,
      affected_asset: z.record(z.string(), z.unknown()).nullish(),
    }),
  }),
  time: z.union([z.number(), z.string()]).nullish(),
  host: optionalText,
});

const violationTitles: Record<string, string> = {
  "datatheorem.policy_violation.opened": "Policy violation",
  "datatheorem.policy_violation.resolved": "Resolved",
  "datatheorem.policy_violation.closed_wont_fix": "Won't fix",
};

/** A Data Theorem webhook event (see fixtures/datatheorem-policy-violation-resolved.json). */
export function normaliseDataTheorem(item: unknown, context: AdapterContext): AdapterResult {
  // Data Theorem's setup guide has people test their endpoint with {"event": "Hello, world!"}.
  if (isPlainObject(item) && typeof item.event === "string") return normaliseConnectionTest(item.event, item, context);
  const parsed = parseWith(webhookSchema, item);
  if (!parsed.ok) return parsed;
  const { event, time, host } = parsed.data;
  const { product, type } = parseDataTheoremType(event.type);
  const violation = event.data;
  let occurredAt = context.receivedAt;
  if (time != null) {
    const parsedTime = parseTimestamp(time);
    if (!parsedTime.ok) return failWith("event.time", parsedTime.message);
    occurredAt = parsedTime.date;
  }
  // A violation's own fields, or — for a discovered network service — the service itself.
  const asset = describeDataTheoremAsset(violation.affected_asset ?? (type.includes("network_service") ? violation : null));
  // Data Theorem sends the description with its line breaks escaped as a literal "\n".
  const description = pickText(violation.description)?.replace(/\\n/g, "\n") ?? null;
  const summary = pickFirstLine(description) ?? pickText(violation.policy_name);
  const relevance = pickText(violation.relevance);
  return finaliseEvent({
    type,
    severity: pickDataTheoremSeverity(type, relevance),
    title: buildTitle(type, asset, summary),
    message: [description, labelled("Recommendation", violation.recommendation), labelled("Reason for won't fix", violation.exception_explanation), labelled("Details", violation.portal_url)]
      .filter(Boolean)
      .join("\n\n"),
    actor: null,
    clientIp: null,
    occurredAt,
    // The same violation uuid comes with opened, then resolved: the change is part of the key.
    externalId: violation.uuid ? boundKey(`${event.type}:${violation.uuid}`) : null,
    fingerprint: buildFingerprint(type, asset?.uuid ?? asset?.name ?? violation.uuid),
    data: dropEmpty({
      product,
      relevance,
      status: pickText(violation.policy_violation_status),
      policy: pickText(violation.policy_name),
      policyUuid: pickText(violation.policy_uuid),
      violation: summary,
      violationUuid: pickText(violation.uuid),
      recommendation: pickText(violation.recommendation),
      exceptionExplanation: pickText(violation.exception_explanation),
      portalUrl: pickText(violation.portal_url),
      policyPortalUrl: pickText(violation.policy_portal_url),
      asset,
      host,
    }),
    raw: item,
  });
}

function buildTitle(type: string, asset: DataTheoremAsset | null, summary: string | null): string {
  const name = asset?.name ?? null;
  if (type === "datatheorem.network_service.discovered") return `New network service: ${name ?? "unnamed"}`;
  const label = violationTitles[type] ?? humaniseIdentifier(type.replace(/^datatheorem\./, ""));
  const where = name ? `${label} on ${name}` : label;
  return summary ? `${where}: ${summary}` : where;
}

function labelled(label: string, value: string | null | undefined): string | null {
  const text = pickText(value);
  return text ? `${label}: ${text}` : null;
}

function normaliseConnectionTest(message: string, item: unknown, context: AdapterContext): AdapterResult {
  return finaliseEvent({
    type: "datatheorem.test",
    severity: "info",
    title: `Data Theorem webhook test: ${pickFirstLine(message) ?? "(empty)"}`,
    message,
    actor: null,
    clientIp: null,
    occurredAt: context.receivedAt,
    externalId: null,
    fingerprint: "datatheorem.test",
    data: null,
    raw: item,
  });
}
