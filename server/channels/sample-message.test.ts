import { describe, expect, it } from "vitest";
import { DomainError } from "@/server/errors";
import { eventCatalog } from "@/server/rules/catalog";
import { buildSampleMessage, defaultSampleEventType, sampleEventId } from "./sample-message";

const workspace = { id: "01900000-0000-7000-8000-00000000a001", slug: "northwind", name: "Northwind MSSP", mode: "multi" as const };
const community = { id: "01900000-0000-7000-8000-00000000c001", name: "Globex Corp" };
const input = { workspace, community, appUrl: "https://tocsin.example.com", messageId: "msg_test_1", now: new Date("2025-03-04T10:00:00Z") };

describe("buildSampleMessage", () => {
  it("dresses the catalog's failed login as a send test", () => {
    const message = buildSampleMessage(input);
    expect(message).toMatchObject({
      messageId: "msg_test_1",
      test: true,
      rule: null,
      workspace,
      community,
      event: { id: sampleEventId, type: defaultSampleEventType, typeLabel: "Login failed", severity: "medium", actor: "jdoe", origin: "ingest", sourceName: "authentik (sample)" },
      links: { event: "https://tocsin.example.com/w/northwind/events", inbox: "https://tocsin.example.com/w/northwind/inbox", rule: null },
    });
    expect(message.event.occurredAt).toBe("2025-03-04T10:00:00.000Z");
  });

  it("uses the example of the chosen type, as Tocsin's own event when it is one", () => {
    const message = buildSampleMessage({ ...input, type: "intake.silent" });
    expect(message.event).toMatchObject({ type: "intake.silent", severity: "medium", origin: "system", sourceName: null });
    expect(message.community).toBeNull();
    expect(buildSampleMessage({ ...input, type: "audit.member.invited" }).event.origin).toBe("audit");
  });

  it("builds a sample for every type of the catalog", () => {
    for (const entry of eventCatalog) expect(buildSampleMessage({ ...input, type: entry.type }).event.title).toBe(entry.example.title);
  });

  it("refuses a type Tocsin does not know, naming the field", () => {
    expect(() => buildSampleMessage({ ...input, type: "nope.never" })).toThrow(DomainError);
    try {
      buildSampleMessage({ ...input, type: "nope.never" });
    } catch (error) {
      expect(error).toMatchObject({ code: "BAD_REQUEST", field: "type" });
    }
  });
});
