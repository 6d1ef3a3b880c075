import { describe, expect, it } from "vitest";
import alertCreated from "../fixtures/cloudevents-alert-created.json";
import blobCreated from "../fixtures/cloudevents-blob-created.json";
import findingBase64 from "../fixtures/cloudevents-finding-base64.json";
import pullRequestOpened from "../fixtures/cloudevents-pull-request-opened.json";
import { context, expectEvent, expectIssues, expectNonObjectsRejected, receivedAt } from "../test-helpers";
import { normaliseCloudEvent } from "./cloudevents";

const minimal = { specversion: "1.0", id: "1", source: "/tests", type: "test.happened" };

describe("normaliseCloudEvent", () => {
  it("keeps a dotted lowercase type, takes the title from data and dedupes on source + id", () => {
    expect(expectEvent(normaliseCloudEvent(pullRequestOpened, context))).toEqual({
      type: "com.github.pull_request.opened",
      severity: "info",
      title: "Bump openssl from 3.0.8 to 3.0.13",
      message: null,
      actor: "dependabot[bot]",
      clientIp: null,
      occurredAt: new Date("2024-05-02T09:31:00Z"),
      externalId: "https://github.com/acme/payments-api A234-1234-1234",
      fingerprint: "com.github.pull_request.opened:42",
      data: {
        source: "https://github.com/acme/payments-api",
        id: "A234-1234-1234",
        subject: "42",
        datacontenttype: "application/json",
        extensions: { comexampleextension1: "value" },
        data: pullRequestOpened.data,
      },
      raw: pullRequestOpened,
    });
  });

  it("lowercases Alert.Created and prefers the severity extension over data.severity", () => {
    const event = expectEvent(normaliseCloudEvent(alertCreated, context));
    expect(event).toMatchObject({
      type: "alert.created",
      severity: "medium",
      title: "Suspicious PowerShell download cradle on WS-042",
      message: expect.stringContaining("powershell.exe"),
      clientIp: "198.51.100.23",
      occurredAt: new Date("2024-05-02T06:12:44.318Z"),
      data: { extensions: { severity: "warning" } },
    });
  });

  it("falls back to data.severity, accepting synonyms", () => {
    const severities: [string, string][] = [
      ["error", "high"],
      ["fatal", "critical"],
      ["emergency", "critical"],
      ["informational", "info"],
      ["notice", "info"],
      ["LOW", "low"],
      ["whatever", "info"],
    ];
    for (const [given, expected] of severities) {
      expect(expectEvent(normaliseCloudEvent({ ...minimal, data: { severity: given } }, context)).severity).toBe(expected);
    }
  });

  it("titles an event without data.title by its type and subject", () => {
    const event = expectEvent(normaliseCloudEvent(blobCreated, context));
    expect(event.type).toBe("microsoft.storage.blobcreated");
    expect(event.title).toBe("Microsoft.Storage.BlobCreated: /blobServices/default/containers/audit-logs/blobs/2024-05-02.json");
    expect(event.fingerprint).toBe("microsoft.storage.blobcreated:/blobServices/default/containers/audit-logs/blobs/2024-05-02.json");
    expect(event.occurredAt).toEqual(new Date("2024-05-02T10:01:05.653Z"));
    expect(expectEvent(normaliseCloudEvent(minimal, context))).toMatchObject({ title: "test.happened", occurredAt: receivedAt, data: { source: "/tests", id: "1" } });
  });

  it("decodes JSON data_base64 so its fields count", () => {
    const event = expectEvent(normaliseCloudEvent(findingBase64, context));
    expect(event).toMatchObject({
      type: "scanner.finding.created",
      severity: "high",
      title: "OpenSSL 1.1.1 is end of life on build-agent-3",
      externalId: "urn:acme:scanner:trivy finding-5521",
      data: { data: { package: "openssl", version: "1.1.1w" } },
    });
  });

  it("keeps binary data_base64 in raw only, and text data as the message", () => {
    const binary = { ...minimal, datacontenttype: "application/octet-stream", data_base64: Buffer.from([0, 1, 2, 255]).toString("base64") };
    expect(expectEvent(normaliseCloudEvent(binary, context)).data).toEqual({ source: "/tests", id: "1", datacontenttype: "application/octet-stream" });
    const xml = { ...minimal, datacontenttype: "text/xml", data: '<alert level="high"/>' };
    expect(expectEvent(normaliseCloudEvent(xml, context)).message).toBe('<alert level="high"/>');
  });

  it("accepts every event of a batch (the route splits application/cloudevents-batch+json)", () => {
    const batch = [pullRequestOpened, alertCreated, blobCreated, findingBase64];
    const types = batch.map((item) => expectEvent(normaliseCloudEvent(item, context)).type);
    expect(types).toEqual(["com.github.pull_request.opened", "alert.created", "microsoft.storage.blobcreated", "scanner.finding.created"]);
  });

  it("replaces characters a Tocsin type cannot hold", () => {
    expect(expectEvent(normaliseCloudEvent({ ...minimal, type: "com.example.Object-Created/v2" }, context)).type).toBe("com.example.object_created_v2");
    expect(expectIssues(normaliseCloudEvent({ ...minimal, type: "..." }, context))).toEqual([
      { path: "event.type", message: "Has no letters or digits to make an event type from" },
    ]);
  });

  it("hashes a source + id too long for an externalId", () => {
    const event = expectEvent(normaliseCloudEvent({ ...minimal, source: `https://example.com/${"p".repeat(300)}` }, context));
    expect(event.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("treats null optional attributes as absent and ignores a client_ip that is no address", () => {
    const event = expectEvent(normaliseCloudEvent({ ...minimal, time: null, subject: null, data: { client_ip: "unknown" } }, context));
    expect(event).toMatchObject({ occurredAt: receivedAt, clientIp: null });
  });

  it("rejects non-objects", () => {
    expectNonObjectsRejected(normaliseCloudEvent);
  });

  it("names missing required attributes", () => {
    expect(expectIssues(normaliseCloudEvent({ data: {} }, context))).toEqual([
      { path: "event.specversion", message: "Required" },
      { path: "event.id", message: "Required" },
      { path: "event.source", message: "Required" },
      { path: "event.type", message: "Required" },
    ]);
  });

  it("rejects other spec versions, wrong types and empty strings", () => {
    expect(expectIssues(normaliseCloudEvent({ ...minimal, specversion: "0.3" }, context))).toEqual([
      { path: "event.specversion", message: 'Expected "1.0": only CloudEvents 1.0 is supported' },
    ]);
    expect(expectIssues(normaliseCloudEvent({ ...minimal, id: 7, source: "", subject: 3 }, context))).toEqual([
      { path: "event.id", message: "Expected a string, got a number" },
      { path: "event.source", message: "Must not be empty" },
      { path: "event.subject", message: "Expected a string, got a number" },
    ]);
  });

  it("rejects an invalid time", () => {
    for (const time of ["2024-13-01T00:00:00Z", "02/05/2024", "2024-05-02T10:00:00"]) {
      expect(expectIssues(normaliseCloudEvent({ ...minimal, time }, context))[0]!.path).toBe("event.time");
    }
  });

  it("rejects data together with data_base64, and data_base64 that is not base64", () => {
    expect(expectIssues(normaliseCloudEvent({ ...minimal, data: {}, data_base64: "e30=" }, context))).toEqual([
      { path: "event.data_base64", message: "An event has data or data_base64, not both" },
    ]);
    expect(expectIssues(normaliseCloudEvent({ ...minimal, data_base64: "not base64!" }, context))).toEqual([
      { path: "event.data_base64", message: "Is not valid base64" },
    ]);
  });
});
