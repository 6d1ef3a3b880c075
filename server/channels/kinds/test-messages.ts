import { normaliseAuthentik } from "@/server/ingest/adapters/authentik";
import { normaliseDataTheorem } from "@/server/ingest/adapters/datatheorem";
import type { AdapterResult } from "@/server/ingest/adapter-result";
import loginFailedFixture from "@/server/ingest/fixtures/authentik-event-login-failed.json";
import violationOpenedFixture from "@/server/ingest/fixtures/datatheorem-policy-violation-opened.json";
import { findCatalogEntry } from "@/server/rules/catalog";
import type { NotificationMessage } from "../notification-message";
import { buildSampleMessage } from "../sample-message";
import { buildSummaryMessage } from "../summary-message";

/*
 * The notifications the renderer suites render: realistic events from the ingest fixtures, with
 * fixed ids and times so that every rendering is the same from run to run.
 */

export const appUrl = "https://tocsin.example.com";
export const fixedNow = new Date("2024-05-02T08:42:00.000Z");

const multiWorkspace = { id: "01900000-0000-7000-8000-00000000a001", slug: "northwind", name: "Northwind MSSP", mode: "multi" } as const;
const singleWorkspace = { id: "01900000-0000-7000-8000-00000000a002", slug: "acme", name: "Acme Security", mode: "single" } as const;
const globex = { id: "01900000-0000-7000-8000-00000000c001", name: "Globex Corp" };

function eventOf(result: AdapterResult) {
  if (!result.ok) throw new Error(`fixture did not normalise: ${JSON.stringify(result.issues)}`);
  return result.event;
}

function links(workspace: { slug: string }, eventId: string, ruleId: string | null) {
  const base = `${appUrl}/w/${workspace.slug}`;
  return { event: `${base}/events/${eventId}`, inbox: `${base}/inbox`, rule: ruleId ? `${base}/rules/${ruleId}` : null };
}

type Ingested = ReturnType<typeof eventOf>;

function notify(options: {
  index: number;
  event: Ingested;
  workspace: NotificationMessage["workspace"];
  community: NotificationMessage["community"];
  sourceName: string | null;
  origin?: NotificationMessage["event"]["origin"];
  rule: { name: string } | null;
  suppressed?: number;
}): NotificationMessage {
  const eventId = `01900000-0000-7000-8000-0000000e000${options.index}`;
  const ruleId = options.rule ? `01900000-0000-7000-8000-00000000f00${options.index}` : null;
  const { event } = options;
  return {
    messageId: `msg_01900000-0000-7000-8000-0000000d000${options.index}`,
    event: {
      id: eventId,
      type: event.type,
      typeLabel: findCatalogEntry(event.type)?.label ?? null,
      severity: event.severity,
      title: event.title,
      message: event.message,
      actor: event.actor,
      clientIp: event.clientIp,
      occurredAt: event.occurredAt.toISOString(),
      receivedAt: fixedNow.toISOString(),
      externalId: event.externalId,
      fingerprint: event.fingerprint,
      origin: options.origin ?? "ingest",
      sourceName: options.sourceName,
      data: event.data,
    },
    rule: options.rule && ruleId ? { id: ruleId, name: options.rule.name } : null,
    workspace: options.workspace,
    community: options.community,
    links: links(options.workspace, eventId, ruleId),
    test: false,
    suppressed: options.suppressed ?? 0,
    summary: null,
  };
}

/** A typical authentik failed login, in a multi-mode workspace. */
function buildLoginFailed(): NotificationMessage {
  const event = eventOf(normaliseAuthentik(loginFailedFixture, { receivedAt: fixedNow }));
  return notify({ index: 1, event, workspace: multiWorkspace, community: globex, sourceName: "authentik production", rule: { name: "Failed logins on SSO" } });
}

/** A rule's digest: 60 matches held for 5 minutes, sent as one (50 listed, 10 counted). */
function buildDigest(): NotificationMessage {
  const severitiesCycle = ["low", "medium", "high"] as const;
  return buildSummaryMessage({
    messageId: "msg_01900000-0000-7000-8000-0000000d0006",
    reason: "digest",
    count: 60,
    events: Array.from({ length: 50 }, (_, i) => ({
      id: `01900000-0000-7000-8000-0000000e1${String(i).padStart(3, "0")}`,
      type: "authentik.login_failed",
      severity: severitiesCycle[i % 3]!,
      title: `Failed login for user${i}@globex.example`,
      receivedAt: new Date(fixedNow.getTime() - (50 - i) * 5_000),
    })),
    rule: { id: "01900000-0000-7000-8000-00000000f006", name: "Failed logins, every 5 minutes" },
    sourceName: null,
    workspace: multiWorkspace,
    community: globex,
    appUrl,
  });
}

/** A Data Theorem violation far over every limit: 20,000 characters of message and 100 data fields. */
function buildLongViolation(): NotificationMessage {
  const event = eventOf(normaliseDataTheorem(violationOpenedFixture, { receivedAt: fixedNow }));
  // Emoji (surrogate pairs) all through the text, so that cuts land on them.
  const paragraph = "Introspection exposes 🔓 the schema: queries, mutations and deprecated fields 🧨 are listed for anyone. ";
  const message = paragraph.repeat(Math.ceil(20_000 / paragraph.length)).slice(0, 20_000);
  const checks = Object.fromEntries(Array.from({ length: 100 - Object.keys(event.data ?? {}).length }, (_, i) => [`check_${String(i + 1).padStart(3, "0")}`, `Operation ${i + 1} answered without authentication 🚨`]));
  return notify({
    index: 2,
    event: { ...event, message, data: { ...event.data, ...checks } },
    workspace: multiWorkspace,
    community: globex,
    sourceName: "Data Theorem",
    rule: { name: "Urgent policy violations" },
  });
}

/** Event text written to page a channel, disguise a link and run a script. */
function buildInjection(): NotificationMessage {
  const event = eventOf(normaliseAuthentik(loginFailedFixture, { receivedAt: fixedNow }));
  return notify({
    index: 3,
    event: {
      ...event,
      title: "<!channel> Failed login for @everyone <@U024BE7LH>",
      message:
        "<!channel> <!here> <!everyone> @everyone @here @channel @all <@U024BE7LH> <@123456789012345678> <@&987654321098765432>\n" +
        "[Open in Tocsin](http://evil.example/phish) ![pixel](http://evil.example/p.png) [ref][1]\n[1]: http://evil.example/ref\n" +
        "<script>alert('xss')</script> <at>Everyone</at> <http://evil.example|Open in Tocsin> & jdoe@example.com",
      actor: "@channel",
      data: { note: "<!here> [click](http://evil.example)", html: "<img src=x onerror=alert(1)>" },
    },
    workspace: multiWorkspace,
    community: globex,
    sourceName: "authentik <!here>",
    rule: { name: "Everything @here" },
  });
}

/** A channel's send test, from a single-mode workspace. */
function buildSendTest(): NotificationMessage {
  return buildSampleMessage({
    workspace: singleWorkspace,
    community: { id: "01900000-0000-7000-8000-00000000c002", name: "Acme Security" },
    appUrl,
    messageId: "msg_01900000-0000-7000-8000-0000000d0004",
    now: fixedNow,
  });
}

/** Tocsin's own event: no source, no community; the rule's throttle held back 7 like it since it last notified. */
function buildSystemEvent(): NotificationMessage {
  const example = findCatalogEntry("delivery.failed")!.example;
  return notify({
    index: 5,
    event: {
      ...eventOf(normaliseAuthentik(loginFailedFixture, { receivedAt: fixedNow })),
      ...example,
      type: "delivery.failed",
      occurredAt: fixedNow,
      externalId: null,
      fingerprint: "delivery.failed:soar-intake",
    },
    workspace: singleWorkspace,
    community: null,
    sourceName: null,
    origin: "system",
    rule: { name: "Tocsin health" },
    suppressed: 7,
  });
}

export const renderCases = {
  "login-failed": buildLoginFailed,
  "long-violation": buildLongViolation,
  injection: buildInjection,
  "send-test": buildSendTest,
  "system-event": buildSystemEvent,
  digest: buildDigest,
} as const;
export type RenderCase = keyof typeof renderCases;
