import { describe, expect, it } from "vitest";
import authentikSlack from "../fixtures/authentik-slack-login-failed.json";
import grafanaFiring from "../fixtures/slack-grafana-firing.json";
import grafanaResolved from "../fixtures/slack-grafana-resolved.json";
import scriptText from "../fixtures/slack-script-text.json";
import secobserveException from "../fixtures/slack-secobserve-exception.json";
import secobserveGate from "../fixtures/slack-secobserve-security-gate.json";
import secobserveTaskException from "../fixtures/slack-secobserve-task-exception.json";
import { context, expectEvent, expectIssues, expectNonObjectsRejected, receivedAt } from "../test-helpers";
import { normaliseSlack } from "./slack";

describe("normaliseSlack: recognised tools", () => {
  it("recognises SecObserve's security-gate notice", () => {
    expect(expectEvent(normaliseSlack(secobserveGate, context))).toEqual({
      type: "secobserve.security_gate.changed",
      severity: "high",
      title: "Security gate for payments-api changed to Failed",
      message: "View Product payments-api (https://secobserve.example.com/#/products/12/show)",
      actor: null,
      clientIp: null,
      occurredAt: receivedAt,
      externalId: null,
      fingerprint: "secobserve.security_gate.changed:payments-api:failed",
      data: { product: "payments-api", previousGate: null, newGate: "failed", url: "https://secobserve.example.com/#/products/12/show" },
      raw: secobserveGate,
    });
  });

  it("rates a passed gate info and a gate that is gone low", () => {
    const withStatus = (status: string) => ({
      blocks: [{ type: "header", text: { type: "plain_text", text: `Security gate for product payments-api has changed to ${status}` } }],
    });
    expect(expectEvent(normaliseSlack(withStatus("Passed"), context)).severity).toBe("info");
    expect(expectEvent(normaliseSlack(withStatus("None"), context))).toMatchObject({ severity: "low", data: { newGate: "none" } });
  });

  it("recognises SecObserve's exception notice and reads its labelled sections", () => {
    expect(expectEvent(normaliseSlack(secobserveException, context))).toMatchObject({
      type: "secobserve.exception",
      severity: "medium",
      title: "Exception ValidationError has occured",
      message: expect.stringContaining("Exception message: missing field 'runs'\nTimestamp: 2024-05-02 09:14:03.512044\nTrace: ```"),
      fingerprint: "secobserve.exception:ValidationError",
      data: { exception: "ValidationError", detail: "missing field 'runs'", timestamp: "2024-05-02 09:14:03.512044", backgroundTask: false },
    });
  });

  it("recognises SecObserve's background-task exception, with the user as actor", () => {
    const event = expectEvent(normaliseSlack(secobserveTaskException, context));
    expect(event).toMatchObject({
      type: "secobserve.exception",
      actor: "Maria Keller",
      data: {
        exception: "ConnectionError",
        function: "application.import_observations.services.import_observations.api_import_observations",
        arguments: "{'api_configuration': <Api_Configuration: payments-api / Dependency-Track>}",
        backgroundTask: true,
      },
    });
  });

  it("recognises authentik's Slack transport and names the user that was tried", () => {
    expect(expectEvent(normaliseSlack(authentikSlack, context))).toMatchObject({
      type: "authentik.login_failed",
      severity: "medium",
      title: "Failed login for jdoe",
      actor: "jdoe",
      message: expect.stringContaining("password: ********************\nusername: jdoe"),
      data: { action: "login_failed", transportSeverity: "warning", dispatchedFor: "secops", context: { username: "jdoe" } },
    });
  });

  it("types authentik's Slack notifications without an event as authentik.notification", () => {
    const attachment = { ...authentikSlack.attachments[0]!, title: "Invalid recovery token", fields: [{ title: "Severity", value: "alert", short: true }] };
    expect(expectEvent(normaliseSlack({ ...authentikSlack, attachments: [attachment] }, context))).toMatchObject({
      type: "authentik.notification",
      severity: "high",
      title: "Invalid recovery token",
      actor: null,
    });
  });
});

describe("normaliseSlack: other messages", () => {
  it("takes a Grafana alert's title, time and red colour", () => {
    expect(expectEvent(normaliseSlack(grafanaFiring, context))).toMatchObject({
      type: "slack.message",
      severity: "high",
      title: "[FIRING:1] High 5xx rate on checkout (checkout-api production)",
      message: expect.stringMatching(/^Firing\n\nValue: B=7\.2\n/),
      actor: "Grafana",
      occurredAt: new Date("2024-05-02T09:20:00Z"),
      fingerprint: "slack.message:[FIRING:1] High 5xx rate on checkout (checkout-api production)",
      data: { username: "Grafana", attachmentCount: 1, links: [{ url: "https://grafana.example.com/alerting/list" }] },
    });
  });

  it("rates a green resolved message info", () => {
    expect(expectEvent(normaliseSlack(grafanaResolved, context)).severity).toBe("info");
  });

  it("renders mrkdwn as plain text, taking the first line as title and an emoji as severity", () => {
    expect(expectEvent(normaliseSlack(scriptText, context))).toMatchObject({
      type: "slack.message",
      severity: "medium",
      title: "Certificate for vpn.example.com (https://vpn.example.com) expires in 6 days",
      message: "Renew it before 2024-05-08; owner @U024BE7LH, see #sec-ops. Tip: use `certbot renew` & restart.",
      actor: "cert-watch",
      data: { username: "cert-watch", channel: "#sec-ops", links: [{ label: "vpn.example.com", url: "https://vpn.example.com" }] },
    });
  });

  it("reads colours: danger high, warning medium, good info, hex by hue", () => {
    const cases: [string, string][] = [
      ["danger", "high"],
      ["warning", "medium"],
      ["good", "info"],
      ["#ff0000", "high"],
      ["#f2c744", "medium"],
      ["#2eb886", "info"],
      ["#439FE0", "info"],
    ];
    for (const [color, severity] of cases) {
      expect(expectEvent(normaliseSlack({ attachments: [{ color, text: "Disk usage report" }] }, context)).severity, color).toBe(severity);
    }
  });

  it("falls back to words in the title when there is no colour", () => {
    const severityOf = (text: string) => expectEvent(normaliseSlack({ text }, context)).severity;
    expect(severityOf("Backup job failed on db-1")).toBe("high");
    expect(severityOf("CRITICAL: disk full")).toBe("critical");
    expect(severityOf("Certificate warning for vpn")).toBe("medium");
    expect(severityOf("Backup failure resolved")).toBe("info");
    expect(severityOf("Weekly report is ready")).toBe("info");
  });

  it("uses text only as the title when blocks carry the content", () => {
    const event = expectEvent(
      normaliseSlack({ text: "New deploy", blocks: [{ type: "section", text: { type: "mrkdwn", text: "*api* v2.3.1 deployed to _production_" } }] }, context),
    );
    expect(event).toMatchObject({ title: "New deploy", message: "api v2.3.1 deployed to production" });
  });

  it("reads attachment fields, pretext, context and rich text, and falls back to the fallback", () => {
    const event = expectEvent(
      normaliseSlack(
        {
          blocks: [
            { type: "context", elements: [{ type: "image", image_url: "https://x/y.png", alt_text: "logo" }, { type: "mrkdwn", text: "Scanner *v4*" }] },
            { type: "rich_text", elements: [{ type: "rich_text_section", elements: [{ type: "text", text: "See " }, { type: "link", url: "https://runbook.example.com", text: "runbook" }] }] },
            { type: "divider" },
          ],
          attachments: [
            { pretext: "Nightly scan", title: "3 new findings", fields: [{ title: "Critical", value: 1, short: true }, { title: "High", value: "2" }] },
            { fallback: "Full report: https://ci.example.com/r/1" },
          ],
        },
        context,
      ),
    );
    expect(event.title).toBe("3 new findings");
    expect(event.message).toBe("Scanner v4\nSee runbook (https://runbook.example.com)\nNightly scan\nCritical: 1\nHigh: 2\nFull report: https://ci.example.com/r/1");
    expect(event.data).toMatchObject({ attachmentCount: 2, fields: { Critical: "1", High: "2" } });
  });

  it("cuts an oversized message and title", () => {
    const event = expectEvent(normaliseSlack({ text: `${"t".repeat(400)}\n${"m".repeat(20_000)}` }, context));
    expect(event.title).toHaveLength(300);
    expect(event.message).toHaveLength(10_000);
  });
});

describe("normaliseSlack: bad input", () => {
  it("rejects non-objects", () => {
    expectNonObjectsRejected(normaliseSlack);
  });

  it("rejects a message with nothing to show", () => {
    for (const item of [{}, { text: "   " }, { blocks: [{ type: "divider" }] }, { attachments: [{ color: "danger" }] }]) {
      expect(expectIssues(normaliseSlack(item, context))).toEqual([{ path: "event", message: expect.stringContaining("expected text, blocks or attachments") }]);
    }
  });

  it("names wrongly typed parts by path", () => {
    expect(expectIssues(normaliseSlack({ text: 5, blocks: {}, attachments: [{ title: ["x"], fields: [{ title: "a", value: {} }] }] }, context))).toEqual([
      { path: "event.text", message: "Expected a string, got a number" },
      { path: "event.blocks", message: "Expected an array, got an object" },
      { path: "event.attachments[0].title", message: "Expected a string, got an array" },
      { path: "event.attachments[0].fields[0].value", message: "Expected a string, a number or a boolean, got an object" },
    ]);
    expect(expectIssues(normaliseSlack({ blocks: [{ text: { type: "mrkdwn", text: "x" } }] }, context))).toEqual([
      { path: "event.blocks[0].type", message: "Required" },
    ]);
  });
});
