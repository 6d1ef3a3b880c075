import { describe, expect, it } from "vitest";
import messageCardScan from "../fixtures/teams-messagecard-scan.json";
import secobserveGate from "../fixtures/teams-secobserve-security-gate.json";
import secobserveTaskException from "../fixtures/teams-secobserve-task-exception.json";
import workflowsGrafana from "../fixtures/teams-workflows-grafana.json";
import { context, expectEvent, expectIssues, expectNonObjectsRejected, receivedAt } from "../test-helpers";
import { normaliseTeams } from "./teams";

const adaptive = (body: unknown[], extra: Record<string, unknown> = {}) => ({
  type: "message",
  attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: { type: "AdaptiveCard", version: "1.4", body, ...extra } }],
});

describe("normaliseTeams: MessageCard", () => {
  it("recognises SecObserve's security-gate card and takes the product link from its action", () => {
    expect(expectEvent(normaliseTeams(secobserveGate, context))).toEqual({
      type: "secobserve.security_gate.changed",
      severity: "info",
      title: "Security gate for payments-api changed to Passed",
      message: "View Product payments-api: https://secobserve.example.com/#/products/12/show",
      actor: null,
      clientIp: null,
      occurredAt: receivedAt,
      externalId: null,
      fingerprint: "secobserve.security_gate.changed:payments-api:passed",
      data: { product: "payments-api", previousGate: null, newGate: "passed", url: "https://secobserve.example.com/#/products/12/show" },
      raw: secobserveGate,
    });
  });

  it("recognises SecObserve's exception card and reads its facts", () => {
    expect(expectEvent(normaliseTeams(secobserveTaskException, context))).toMatchObject({
      type: "secobserve.exception",
      severity: "medium",
      actor: "Maria Keller",
      data: {
        exception: "ConnectionError",
        detail: "HTTPSConnectionPool(host='dtrack.example.com', port=443): Max retries exceeded",
        arguments: "{'api_configuration': <Api_Configuration: payments-api / Dependency-Track>}",
        backgroundTask: true,
      },
    });
  });

  it("reads a card without a title by its summary, with sections, facts, theme colour and actions", () => {
    expect(expectEvent(normaliseTeams(messageCardScan, context))).toMatchObject({
      type: "teams.message",
      severity: "high",
      title: "Nightly dependency scan found 3 vulnerable packages in web-frontend",
      message: [
        "Dependency scan finished for web-frontend (https://git.example.com/shop/web-frontend)",
        "Pipeline #4812 on main",
        "Repository: web-frontend",
        "New findings: 3",
        "Highest: high (CVE-2024-29041 in express)",
        "Open report: https://ci.example.com/shop/web-frontend/-/pipelines/4812",
      ].join("\n"),
      fingerprint: "teams.message:Nightly dependency scan found 3 vulnerable packages in web-frontend",
      data: { cardType: "MessageCard", facts: { Repository: "web-frontend", "New findings": "3" } },
    });
  });

  it("accepts @type in any case and turns the allowed HTML into text", () => {
    const card = { "@type": "messagecard", title: "Port scan detected", text: "Source <b>203.0.113.9</b><br>Target <a href=\"https://fw.example.com/e/1\">edge-fw</a> &amp; more" };
    expect(expectEvent(normaliseTeams(card, context)).message).toBe("Source 203.0.113.9\nTarget edge-fw (https://fw.example.com/e/1) & more");
  });
});

describe("normaliseTeams: Adaptive Cards", () => {
  it("reads a Workflows message from Grafana: bold title, attention colour, nested facts, actions", () => {
    expect(expectEvent(normaliseTeams(workflowsGrafana, context))).toMatchObject({
      type: "teams.message",
      severity: "high",
      title: "[FIRING:1] High 5xx rate on checkout (checkout-api production)",
      message: expect.stringMatching(/^Firing\n\nValue: B=7\.2\n[\s\S]*Service: checkout-api\nEnvironment: production\nView URL: https:\/\/grafana\.example\.com\/alerting\/list$/),
      actor: null,
      data: { cardType: "AdaptiveCard", facts: { Service: "checkout-api", Environment: "production" }, links: [{ label: "View URL" }] },
    });
  });

  it("recognises SecObserve titles in an Adaptive Card too", () => {
    const card = adaptive([{ type: "TextBlock", text: "Security gate for product shop-web has changed to Failed", style: "heading" }]);
    expect(expectEvent(normaliseTeams(card, context))).toMatchObject({ type: "secobserve.security_gate.changed", severity: "high", data: { product: "shop-web" } });
  });

  it("takes the first text block as title when none is styled as one, and reads container styles", () => {
    const card = adaptive([
      { type: "Container", style: "warning", items: [{ type: "TextBlock", text: "Certificate expires in 6 days" }, { type: "RichTextBlock", inlines: [{ type: "TextRun", text: "vpn" }, ".example.com"] }] },
      { type: "Table", rows: [{ cells: [{ items: [{ type: "TextBlock", text: "owner: sec-ops" }] }] }] },
      { type: "Image", url: "https://example.com/x.png" },
    ]);
    expect(expectEvent(normaliseTeams(card, context))).toMatchObject({
      title: "Certificate expires in 6 days",
      message: "vpn.example.com\nowner: sec-ops",
      severity: "medium",
    });
  });

  it("accepts a bare Adaptive Card", () => {
    const card = { type: "AdaptiveCard", body: [{ type: "TextBlock", text: "Hello from a bare card", size: "Large" }] };
    expect(expectEvent(normaliseTeams(card, context)).title).toBe("Hello from a bare card");
  });
});

describe("normaliseTeams: bad input", () => {
  it("rejects non-objects", () => {
    expectNonObjectsRejected(normaliseTeams);
  });

  it("explains the accepted shapes for anything else", () => {
    expect(expectIssues(normaliseTeams({ text: "hi" }, context))).toEqual([{ path: "event", message: expect.stringContaining("MessageCard") }]);
  });

  it("rejects a card with nothing to show", () => {
    expect(expectIssues(normaliseTeams({ "@type": "MessageCard", themeColor: "FF0000" }, context))).toEqual([
      { path: "event", message: expect.stringContaining("nothing to show") },
    ]);
    expect(expectIssues(normaliseTeams(adaptive([{ type: "Image", url: "https://x" }]), context))[0]!.path).toBe("event");
  });

  it("names wrongly typed parts by path", () => {
    expect(expectIssues(normaliseTeams({ "@type": "MessageCard", title: 3, sections: {} }, context))).toEqual([
      { path: "event.title", message: "Expected a string, got a number" },
      { path: "event.sections", message: "Expected an array, got an object" },
    ]);
    expect(expectIssues(normaliseTeams({ type: "message", attachments: [] }, context))).toEqual([{ path: "event.attachments", message: "Must have at least 1 items" }]);
    expect(expectIssues(normaliseTeams({ type: "message", attachments: [{ contentType: "image/png", content: {} }] }, context))).toEqual([
      { path: "event.attachments", message: "No attachment has contentType application/vnd.microsoft.card.adaptive" },
    ]);
    expect(expectIssues(normaliseTeams({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: { type: "AdaptiveCard", body: "x" } }] }, context))).toEqual([
      { path: "event.attachments[0].content.body", message: "Expected an array, got a string" },
    ]);
    expect(expectIssues(normaliseTeams({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: null }] }, context))).toEqual([
      { path: "event.attachments[0].content", message: "Expected a JSON object, got null" },
    ]);
  });
});
