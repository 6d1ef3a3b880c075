import { describe, expect, it } from "vitest";
import { finaliseEvent, type NormalisedEventInput } from "./normalised-event";
import { expectEvent, expectIssues, receivedAt } from "./test-helpers";

const valid: NormalisedEventInput = {
  type: "authentik.login_failed",
  severity: "medium",
  title: "Failed login for jdoe",
  message: "The password stage rejected the attempt.",
  actor: "jdoe",
  clientIp: "203.0.113.77",
  occurredAt: receivedAt,
  externalId: "4b4a1b8e",
  fingerprint: "authentik.login_failed:jdoe",
  data: { stage: "default-authentication-password" },
  raw: { anything: ["as", "received"] },
};

describe("finaliseEvent", () => {
  it("passes a valid event through unchanged", () => {
    expect(expectEvent(finaliseEvent(valid))).toEqual(valid);
  });

  it("accepts dotted types such as datatheorem.policy_violation.resolved", () => {
    for (const type of ["alert.created", "datatheorem.policy_violation.resolved", "a", "intake.silent", "x1.y_2"]) {
      expect(expectEvent(finaliseEvent({ ...valid, type })).type).toBe(type);
    }
  });

  it("rejects types that are not lowercase dotted identifiers, or too long", () => {
    for (const type of ["Alert.Created", "alert..created", ".alert", "alert.", "alert created", "alert-created", "", `a.${"b".repeat(119)}`]) {
      expect(expectIssues(finaliseEvent({ ...valid, type }))[0]!.path).toBe("event.type");
    }
  });

  it("trims the title and cuts a long one with an ellipsis instead of rejecting it", () => {
    expect(expectEvent(finaliseEvent({ ...valid, title: "  padded \n" })).title).toBe("padded");
    const title = expectEvent(finaliseEvent({ ...valid, title: "x".repeat(1000) })).title;
    expect(title).toHaveLength(300);
    expect(title.endsWith("…")).toBe(true);
  });

  it("never cuts a title in the middle of a surrogate pair", () => {
    const title = expectEvent(finaliseEvent({ ...valid, title: `${"x".repeat(298)}😀😀` })).title;
    expect(title).toBe(`${"x".repeat(298)}…`);
  });

  it("rejects an empty or blank title", () => {
    expect(expectIssues(finaliseEvent({ ...valid, title: " \n " }))).toEqual([{ path: "event.title", message: "Must not be empty" }]);
  });

  it("cuts the message at 10,000 characters and turns a blank one into null", () => {
    const message = expectEvent(finaliseEvent({ ...valid, message: "y".repeat(20_000) })).message;
    expect(message).toHaveLength(10_000);
    expect(expectEvent(finaliseEvent({ ...valid, message: "   " })).message).toBeNull();
  });

  it("removes NUL characters, which Postgres text cannot store", () => {
    const event = expectEvent(finaliseEvent({ ...valid, title: "a\u0000b", message: "c\u0000d\r\ne", actor: "j\u0000doe" }));
    expect([event.title, event.message, event.actor]).toEqual(["ab", "cd\ne", "jdoe"]);
  });

  it("rejects an actor over 320 characters rather than cutting an identity", () => {
    expect(expectIssues(finaliseEvent({ ...valid, actor: "a".repeat(321) }))[0]).toEqual({
      path: "event.actor",
      message: "Must have at most 320 characters (got 321)",
    });
  });

  it("accepts IPv4 and IPv6 addresses and rejects anything else", () => {
    for (const clientIp of ["192.0.2.1", "::1", "2001:db8::7", "::ffff:192.0.2.1"]) {
      expect(expectEvent(finaliseEvent({ ...valid, clientIp })).clientIp).toBe(clientIp);
    }
    for (const clientIp of ["999.1.1.1", "192.0.2.1/24", "localhost", "", "1.2.3.04"]) {
      expect(expectIssues(finaliseEvent({ ...valid, clientIp }))[0]!.path).toBe("event.clientIp");
    }
  });

  it("rejects an invalid date", () => {
    expect(expectIssues(finaliseEvent({ ...valid, occurredAt: new Date("not a date") }))).toEqual([
      { path: "event.occurredAt", message: "Expected a valid date" },
    ]);
  });

  it("keeps externalId and fingerprint between 1 and 200 characters", () => {
    expect(expectIssues(finaliseEvent({ ...valid, externalId: "" }))[0]!.path).toBe("event.externalId");
    expect(expectIssues(finaliseEvent({ ...valid, externalId: "i".repeat(201) }))[0]!.path).toBe("event.externalId");
    expect(expectIssues(finaliseEvent({ ...valid, fingerprint: "f".repeat(201) }))[0]!.path).toBe("event.fingerprint");
    expect(expectEvent(finaliseEvent({ ...valid, externalId: null, fingerprint: null })).externalId).toBeNull();
  });

  it("requires data to be a JSON object or null", () => {
    for (const data of [[1, 2], "text", 3]) {
      expect(expectIssues(finaliseEvent({ ...valid, data: data as never }))[0]).toEqual({ path: "event.data", message: "Expected a JSON object" });
    }
    expect(expectEvent(finaliseEvent({ ...valid, data: null })).data).toBeNull();
  });

  it("rejects an unknown severity and fields the event does not have", () => {
    const issues = expectIssues(finaliseEvent({ ...valid, severity: "urgent" as never, extra: 1 } as never));
    expect(issues.map((issue) => issue.path)).toEqual(["event.severity", "event.extra"]);
  });
});
