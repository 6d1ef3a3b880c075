import { describe, expect, it } from "vitest";
import { catalogEntrySchema, catalogFamilies, catalogSeverities, eventCatalog, findCatalogEntry, listCatalog } from "./catalog";
import { isEventType } from "./event-type";

const required = {
  sekoia: [
    "alert.created",
    "alert.updated",
    "report.available",
    "detection_rule.added_to_catalog",
    "intake.silent",
    "playbook.error",
    "connector.error",
    "detection_rule.deprecation_scheduled",
    "detection_rule.deprecated",
    "case.created",
    "case.updated",
    "detection_rule.rate_limited",
  ],
  authentik: [
    "login", "login_failed", "logout", "user_write", "suspicious_request", "password_set", "secret_view", "secret_rotate",
    "invitation_used", "authorize_application", "source_linked", "impersonation_started", "impersonation_ended",
    "policy_execution", "policy_exception", "property_mapping_exception", "system_task_exception", "system_exception",
    "configuration_error", "model_created", "model_updated", "model_deleted", "email_sent", "update_available", "notification",
  ].map((action) => `authentik.${action}`),
  datatheorem: [
    "datatheorem.policy_violation.opened",
    "datatheorem.policy_violation.resolved",
    "datatheorem.policy_violation.closed_wont_fix",
    "datatheorem.network_service.discovered",
  ],
  secobserve: ["secobserve.security_gate.changed", "secobserve.exception"],
  tocsin: [
    "intake.silent", "intake.resumed", "channel.disabled", "delivery.failed", "system.exception",
    "audit.member.invited", "audit.member.role_changed", "audit.member.removed",
    "audit.rule.created", "audit.rule.updated", "audit.rule.deleted",
    "audit.channel.created", "audit.channel.updated", "audit.channel.deleted",
    "audit.source.created", "audit.source.rotated", "audit.source.revoked",
    "audit.workspace.updated",
  ],
  generic: ["slack.message", "teams.message"],
} as const;

describe("event catalog", () => {
  it("has unique types", () => {
    const types = eventCatalog.map((entry) => entry.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it.each(eventCatalog.map((entry) => [entry.type, entry] as const))("%s is a well-formed entry", (_type, entry) => {
    const parsed = catalogEntrySchema.safeParse(entry);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(isEventType(entry.type)).toBe(true);
    expect(catalogSeverities).toContain(entry.defaultSeverity);
    expect(catalogSeverities).toContain(entry.example.severity);
    // One sentence: a single full stop, at the end.
    expect(entry.description).toMatch(/^[^.]+\.$/);
    // Stored as JSONB and sent to the browser: the example must survive JSON unchanged.
    expect(JSON.parse(JSON.stringify(entry.example))).toEqual(entry.example);
  });

  it("has unique labels, so the picker never shows two identical lines", () => {
    const labels = eventCatalog.map((entry) => entry.label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it.each(Object.entries(required))("covers every %s type the issue lists", (family, types) => {
    const listed = listCatalog({ family: family as keyof typeof required }).map((entry) => entry.type);
    for (const type of types) expect(listed, type).toContain(type);
  });

  it("lists Sekoia's twelve triggers under Sekoia, sharing intake.silent with Tocsin", () => {
    expect(listCatalog({ family: "sekoia" })).toHaveLength(12);
    expect(findCatalogEntry("intake.silent")).toMatchObject({ family: "tocsin", alsoIn: ["sekoia"] });
    expect(listCatalog({ family: "tocsin" }).map((entry) => entry.type)).toContain("intake.silent");
  });

  it("names tool-specific types after their tool and audit entries under audit.*", () => {
    for (const entry of eventCatalog) {
      if (entry.family === "authentik" || entry.family === "datatheorem" || entry.family === "secobserve") {
        expect(entry.type.startsWith(`${entry.family}.`), entry.type).toBe(true);
      }
      if (entry.type.startsWith("audit.")) {
        expect(entry.family).toBe("tocsin");
        expect(entry.type.split("."), entry.type).toHaveLength(3);
      }
    }
  });

  it("puts each entry in exactly the lists of its family and shared families", () => {
    const seen = new Map<string, number>();
    for (const family of catalogFamilies) {
      for (const entry of listCatalog({ family })) seen.set(entry.type, (seen.get(entry.type) ?? 0) + 1);
    }
    for (const entry of eventCatalog) expect(seen.get(entry.type), entry.type).toBe(1 + (entry.alsoIn?.length ?? 0));
    expect(listCatalog()).toBe(eventCatalog);
    expect(listCatalog({})).toBe(eventCatalog);
  });

  it("finds entries by exact type only", () => {
    expect(findCatalogEntry("authentik.login_failed")?.label).toBe("Login failed");
    expect(findCatalogEntry("authentik.login_*")).toBeUndefined();
    expect(findCatalogEntry("AUTHENTIK.LOGIN")).toBeUndefined();
    expect(findCatalogEntry("authentik")).toBeUndefined();
    expect(findCatalogEntry("")).toBeUndefined();
  });

  it("cannot be changed by a caller", () => {
    expect(Object.isFrozen(eventCatalog)).toBe(true);
    expect(eventCatalog.every((entry) => Object.isFrozen(entry))).toBe(true);
  });
});
