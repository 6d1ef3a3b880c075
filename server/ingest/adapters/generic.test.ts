import { describe, expect, it } from "vitest";
import backupFailed from "../fixtures/generic-backup-failed.json";
import { buildGenericJsonSchema } from "../generic-json-schema";
import { context, expectEvent, expectIssues, expectNonObjectsRejected, receivedAt } from "../test-helpers";
import { normaliseGeneric } from "./generic";
import { genericEventExample } from "./generic-schema";

describe("normaliseGeneric", () => {
  it("maps every field of Tocsin's own format", () => {
    expect(expectEvent(normaliseGeneric(backupFailed, context))).toEqual({
      type: "backup.failed",
      severity: "high",
      title: "Nightly backup of db-prod-1 failed",
      message: "pg_dump exited with status 1: connection reset by peer.\nThe previous good backup is from 2024-04-30 02:00 UTC.",
      actor: "backup-bot",
      clientIp: "10.20.0.15",
      occurredAt: new Date("2024-05-01T00:00:13Z"),
      externalId: "backup-run-8812",
      fingerprint: "backup.failed:backup-bot",
      data: { host: "db-prod-1", durationSeconds: 742, attempt: 3 },
      raw: backupFailed,
    });
  });

  it("defaults severity to info, occurredAt to the receive time and the fingerprint to type + title", () => {
    const event = expectEvent(normaliseGeneric({ type: "auth.login_failed", title: "Failed login for jdoe" }, context));
    expect(event).toMatchObject({
      severity: "info",
      occurredAt: receivedAt,
      message: null,
      actor: null,
      clientIp: null,
      externalId: null,
      fingerprint: "auth.login_failed:Failed login for jdoe",
      data: null,
    });
  });

  it("keeps an explicit fingerprint, and an explicit null turns grouping off", () => {
    const base = { type: "a.b", title: "t", actor: "jdoe" };
    expect(expectEvent(normaliseGeneric({ ...base, fingerprint: "mine" }, context)).fingerprint).toBe("mine");
    expect(expectEvent(normaliseGeneric({ ...base, fingerprint: null }, context)).fingerprint).toBeNull();
    expect(expectEvent(normaliseGeneric({ ...base, clientIp: "192.0.2.9" }, context)).fingerprint).toBe("a.b:jdoe");
  });

  it("reads occurredAt as epoch seconds or milliseconds", () => {
    expect(expectEvent(normaliseGeneric({ type: "a", title: "t", occurredAt: 1714636510 }, context)).occurredAt).toEqual(new Date("2024-05-02T07:55:10Z"));
    expect(expectEvent(normaliseGeneric({ type: "a", title: "t", occurredAt: 1714636510250 }, context)).occurredAt).toEqual(new Date("2024-05-02T07:55:10.250Z"));
  });

  it("accepts its own JSON Schema example", () => {
    expect(expectEvent(normaliseGeneric(genericEventExample, context)).fingerprint).toBe("backup.failed:db-prod-1");
  });

  it("rejects non-objects", () => {
    expectNonObjectsRejected(normaliseGeneric);
  });

  it("names missing required fields", () => {
    expect(expectIssues(normaliseGeneric({}, context))).toEqual([
      { path: "event.type", message: "Required" },
      { path: "event.title", message: "Required" },
    ]);
  });

  it("rejects unknown top-level fields, suggesting the likely one", () => {
    const issues = expectIssues(normaliseGeneric({ type: "a", title: "t", timestamp: "2024-05-01T00:00:00Z", colour: "red" }, context));
    expect(issues).toEqual([
      { path: "event.timestamp", message: 'Unknown field "timestamp"; did you mean "occurredAt"?' },
      { path: "event.colour", message: expect.stringMatching(/^Unknown field "colour"; allowed fields: type, severity, title, message, occurredAt/) },
    ]);
  });

  it("reports wrong types with the field's path", () => {
    const issues = expectIssues(normaliseGeneric({ type: "a", title: 5, severity: "urgent", data: [1], message: { text: "x" } }, context));
    expect(issues).toEqual([
      { path: "event.severity", message: 'Expected "info" or "low" or "medium" or "high" or "critical", got "urgent"' },
      { path: "event.title", message: "Expected a string, got a number" },
      { path: "event.message", message: "Expected a string, got an object" },
      { path: "event.data", message: "Expected a JSON object, got an array" },
    ]);
  });

  it("rejects a type that is not a dotted lowercase identifier", () => {
    expect(expectIssues(normaliseGeneric({ type: "Backup Failed", title: "t" }, context))[0]).toEqual({
      path: "event.type",
      message: expect.stringContaining("lowercase dotted words"),
    });
    expect(expectIssues(normaliseGeneric({ type: "a".repeat(121), title: "t" }, context))[0]!.message).toBe("Must have at most 120 characters (got 121)");
  });

  it("says which types occurredAt may have", () => {
    expect(expectIssues(normaliseGeneric({ type: "a", title: "t", occurredAt: { at: 1 } }, context))).toEqual([
      { path: "event.occurredAt", message: "Expected a string or a number, got an object" },
    ]);
  });

  it("rejects invalid dates", () => {
    for (const occurredAt of ["2024-02-30T10:00:00Z", "yesterday", "2024-05-01T10:00:00", true]) {
      expect(expectIssues(normaliseGeneric({ type: "a", title: "t", occurredAt }, context))[0]!.path).toBe("event.occurredAt");
    }
  });

  it("rejects invalid client IPs", () => {
    for (const clientIp of ["300.1.1.1", "10.0.0.0/8", "::g", "example.com"]) {
      expect(expectIssues(normaliseGeneric({ type: "a", title: "t", clientIp }, context))).toEqual([
        { path: "event.clientIp", message: expect.stringContaining("IPv4 or IPv6") },
      ]);
    }
  });

  it("cuts oversized text but rejects oversized identifiers", () => {
    const event = expectEvent(normaliseGeneric({ type: "a", title: "t".repeat(5000), message: "m".repeat(50_000) }, context));
    expect(event.title).toHaveLength(300);
    expect(event.message).toHaveLength(10_000);
    const issues = expectIssues(normaliseGeneric({ type: "a", title: "t", externalId: "e".repeat(201), fingerprint: "", actor: "a".repeat(321) }, context));
    expect(issues.map((issue) => issue.path)).toEqual(["event.externalId", "event.fingerprint", "event.actor"]);
  });

  it("rejects a blank title after trimming", () => {
    expect(expectIssues(normaliseGeneric({ type: "a", title: "   " }, context))).toEqual([{ path: "event.title", message: "Must not be empty" }]);
  });
});

describe("buildGenericJsonSchema", () => {
  it("is a draft 2020-12 schema with an id, a title, descriptions and examples", () => {
    const schema = buildGenericJsonSchema({ id: "https://tocsin.example.com/api/ingest/schema/generic.json" });
    expect(schema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "https://tocsin.example.com/api/ingest/schema/generic.json",
      title: "Tocsin generic event",
      type: "object",
      required: ["type", "title"],
      additionalProperties: false,
    });
    const properties = schema.properties as Record<string, { description?: string }>;
    expect(Object.keys(properties)).toEqual(["type", "severity", "title", "message", "occurredAt", "externalId", "fingerprint", "actor", "clientIp", "data"]);
    for (const [name, property] of Object.entries(properties)) expect(property.description, name).toBeTruthy();
    expect(properties.severity).toMatchObject({ default: "info", enum: ["info", "low", "medium", "high", "critical"] });
  });

  it("uses a URN as id unless told the URL, and its examples are accepted by the adapter", () => {
    const schema = buildGenericJsonSchema();
    expect(schema.$id).toBe("urn:tocsin:schema:ingest:generic:1");
    for (const example of schema.examples as unknown[]) expectEvent(normaliseGeneric(example, context));
  });
});
