import { describe, expect, it } from "vitest";
import networkServiceDiscovered from "../fixtures/datatheorem-network-service-discovered.json";
import violationOpened from "../fixtures/datatheorem-policy-violation-opened.json";
import violationResolved from "../fixtures/datatheorem-policy-violation-resolved.json";
import violationWontFix from "../fixtures/datatheorem-policy-violation-wont-fix.json";
import { context, expectEvent, expectIssues, expectNonObjectsRejected, receivedAt } from "../test-helpers";
import { normaliseDataTheorem } from "./datatheorem";
import { parseDataTheoremType } from "./datatheorem-types";

const firstLine = "The server leverages a certificate for SSL/TLS connections that will expire in less than the configured number of days.";

describe("normaliseDataTheorem", () => {
  it("maps the shared resolved-violation fixture", () => {
    expect(expectEvent(normaliseDataTheorem(violationResolved, context))).toEqual({
      type: "datatheorem.policy_violation.resolved",
      severity: "info",
      title: `Resolved on gumtree.com.au: ${firstLine}`,
      message: [
        `${firstLine}\n\nIf the SSL certificate is not renewed in time, clients including browsers and mobile applications will not allow\nconnecting to the server, and will instead display an error to the end-user stating that the connection is not secure.`,
        "Recommendation: Deploy a new SSL/TLS certificate on the affected server.",
        "Details: https://dev-acheron.appspot.com/api/inspect/policy-violations/924f1fb0-ebaa-4dfd-9297-390c0df18b44",
      ].join("\n\n"),
      actor: null,
      clientIp: null,
      occurredAt: new Date("2021-01-27T07:37:32Z"),
      externalId: "API_SECURE__POLICY_VIOLATION_RESOLVED:924f1fb0-ebaa-4dfd-9297-390c0df18b44",
      fingerprint: "datatheorem.policy_violation.resolved:ed1d9485-5672-4db0-81aa-f8e5c96ba750",
      data: {
        product: "API_SECURE",
        relevance: "IMPORTANT",
        status: "RESOLVED",
        policy: "Data Theorem",
        policyUuid: "17e0e14d-e6f1-4b35-a5c0-976dbbf41436",
        violation: firstLine,
        violationUuid: "924f1fb0-ebaa-4dfd-9297-390c0df18b44",
        recommendation: "Deploy a new SSL/TLS certificate on the affected server.",
        portalUrl: "https://dev-acheron.appspot.com/api/inspect/policy-violations/924f1fb0-ebaa-4dfd-9297-390c0df18b44",
        policyPortalUrl: "https://dev-acheron.appspot.com/api/policy/17e0e14d-e6f1-4b35-a5c0-976dbbf41436",
        asset: {
          uuid: "ed1d9485-5672-4db0-81aa-f8e5c96ba750",
          name: "gumtree.com.au",
          type: "NETWORK_SERVICE",
          url: "https://gumtree.com.au",
          portalUrl: "https://dev-acheron.appspot.com/api/network-services/ed1d9485-5672-4db0-81aa-f8e5c96ba750",
          hostedOn: "UNKNOWN",
          discoveredVia: "WEBSITE_CRAWLER",
          assetGroup: "CA Business Unit",
        },
        host: "securetheorem.com",
      },
      raw: violationResolved,
    });
  });

  it("rates an opened violation by its relevance", () => {
    const event = expectEvent(normaliseDataTheorem(violationOpened, context));
    expect(event).toMatchObject({
      type: "datatheorem.policy_violation.opened",
      severity: "high",
      title: "Policy violation on api.shop.example.com/graphql: The GraphQL API allows introspection queries from unauthenticated clients.",
      externalId: "API_SECURE__POLICY_VIOLATION_OPENED:3c9a7e21-5b4d-4f8e-a1c2-7d6e5f4a3b2c",
      data: { relevance: "URGENT", status: "OPEN", asset: { type: "GRAPHQL_API", assetGroup: "Retail" } },
    });
    for (const [relevance, severity] of [["IMPORTANT", "medium"], ["PROACTIVE", "low"], ["urgent", "high"]]) {
      const item = { ...violationOpened, event: { ...violationOpened.event, data: { ...violationOpened.event.data, relevance } } };
      expect(expectEvent(normaliseDataTheorem(item, context)).severity).toBe(severity);
    }
  });

  it("gives opened and resolved of the same violation different externalIds", () => {
    const resolved = { ...violationOpened, event: { ...violationOpened.event, type: "API_SECURE__POLICY_VIOLATION_RESOLVED" } };
    const opened = expectEvent(normaliseDataTheorem(violationOpened, context));
    expect(expectEvent(normaliseDataTheorem(resolved, context)).externalId).not.toBe(opened.externalId);
  });

  it("maps a violation closed as won't fix, with the explanation in message and data", () => {
    expect(expectEvent(normaliseDataTheorem(violationWontFix, context))).toMatchObject({
      type: "datatheorem.policy_violation.closed_wont_fix",
      severity: "low",
      title: "Won't fix on legacy.shop.example.com: The web application does not set recommended security headers (Content-Security-Policy, X-Frame-Options).",
      message: expect.stringContaining("Reason for won't fix: legacy storefront, retired next quarter"),
      data: { product: "WEB_SECURE", status: "WONT_FIX", exceptionExplanation: "legacy storefront, retired next quarter", policy: "Retail baseline" },
    });
  });

  it("maps a discovered network service, the service being the asset", () => {
    expect(expectEvent(normaliseDataTheorem(networkServiceDiscovered, context))).toMatchObject({
      type: "datatheorem.network_service.discovered",
      severity: "low",
      title: "New network service: staging-api.example.com",
      occurredAt: new Date("2024-05-02T06:00:41Z"),
      fingerprint: "datatheorem.network_service.discovered:f6a7b8c9-d0e1-4f2a-9b3c-4d5e6f7a8b9c",
      data: {
        product: "API_SECURE",
        asset: { name: "staging-api.example.com", discoveredVia: "CERTIFICATE_TRANSPARENCY", hostedOn: "AMAZON_WEB_SERVICES", url: "https://staging-api.example.com" },
      },
    });
  });

  it("accepts the connection test from Data Theorem's setup guide", () => {
    expect(expectEvent(normaliseDataTheorem({ event: "Hello, world!" }, context))).toMatchObject({
      type: "datatheorem.test",
      severity: "info",
      title: "Data Theorem webhook test: Hello, world!",
      occurredAt: receivedAt,
    });
  });

  it("uses the receive time when time is missing", () => {
    const { time: _time, ...withoutTime } = violationResolved;
    expect(expectEvent(normaliseDataTheorem(withoutTime, context)).occurredAt).toEqual(receivedAt);
  });

  it("rejects non-objects", () => {
    expectNonObjectsRejected(normaliseDataTheorem);
  });

  it("names missing and mistyped fields with their path", () => {
    expect(expectIssues(normaliseDataTheorem({ time: 1611733052 }, context))).toEqual([{ path: "event.event", message: "Required" }]);
    expect(expectIssues(normaliseDataTheorem({ event: { data: {} } }, context))).toEqual([{ path: "event.event.type", message: "Required" }]);
    expect(expectIssues(normaliseDataTheorem({ event: { type: "API_SECURE__POLICY_VIOLATION_OPENED", data: { uuid: 5, affected_asset: "x" } } }, context))).toEqual([
      { path: "event.event.data.uuid", message: "Expected a string, got a number" },
      { path: "event.event.data.affected_asset", message: "Expected a JSON object, got a string" },
    ]);
    expect(expectIssues(normaliseDataTheorem({ event: { type: "X", data: [] } }, context))).toEqual([
      { path: "event.event.data", message: "Expected a JSON object, got an array" },
    ]);
  });

  it("rejects an invalid time", () => {
    expect(expectIssues(normaliseDataTheorem({ ...violationResolved, time: "next tuesday" }, context))).toEqual([
      { path: "event.time", message: expect.stringContaining("epoch seconds") },
    ]);
  });
});

describe("parseDataTheoremType", () => {
  it("maps Data Theorem's names to dotted types and keeps the product apart", () => {
    const cases: [string, string | null, string][] = [
      ["API_SECURE__POLICY_VIOLATION_RESOLVED", "API_SECURE", "datatheorem.policy_violation.resolved"],
      ["WEB_SECURE__POLICY_VIOLATION_CREATED", "WEB_SECURE", "datatheorem.policy_violation.opened"],
      ["CLOUD_SECURE__POLICY_VIOLATION_OPENED", "CLOUD_SECURE", "datatheorem.policy_violation.opened"],
      ["API_SECURE__POLICY_VIOLATION_CLOSED_AS_WONT_FIX", "API_SECURE", "datatheorem.policy_violation.closed_wont_fix"],
      ["API_SECURE__POLICY_VIOLATION_WONT_FIX", "API_SECURE", "datatheorem.policy_violation.closed_wont_fix"],
      ["API_SECURE__NETWORK_SERVICE_DISCOVERED", "API_SECURE", "datatheorem.network_service.discovered"],
      ["MOBILE_SECURE__FINDING_TARGET_FIXED", "MOBILE_SECURE", "datatheorem.finding_target.fixed"],
      ["MOBILE_SECURE__FINDING_NOTE_CREATED", "MOBILE_SECURE", "datatheorem.finding_note.created"],
      ["SOMETHING_NEW", null, "datatheorem.something_new"],
    ];
    for (const [input, product, type] of cases) expect(parseDataTheoremType(input)).toEqual({ product, type });
  });
});
