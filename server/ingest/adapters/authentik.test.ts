import { describe, expect, it } from "vitest";
import impersonationStarted from "../fixtures/authentik-event-impersonation-started.json";
import loginFailed from "../fixtures/authentik-event-login-failed.json";
import login from "../fixtures/authentik-event-login.json";
import modelUpdated from "../fixtures/authentik-event-model-updated.json";
import systemException from "../fixtures/authentik-event-system-exception.json";
import notificationLoginFailed from "../fixtures/authentik-notification-login-failed.json";
import notificationMessage from "../fixtures/authentik-notification-message.json";
import { context, expectEvent, expectIssues, expectNonObjectsRejected, receivedAt } from "../test-helpers";
import { normaliseAuthentik } from "./authentik";

describe("normaliseAuthentik: events", () => {
  it("maps the shared login fixture", () => {
    expect(expectEvent(normaliseAuthentik(login, context))).toEqual({
      type: "authentik.login",
      severity: "info",
      title: "akadmin logged in",
      message: "auth_method: password\nrequest: GET /api/v3/flows/executor/default-authentication-flow/",
      actor: "akadmin",
      clientIp: "::1",
      occurredAt: new Date("2023-02-15T15:33:42.771Z"),
      externalId: "f00f54e7-2b38-421f-bc78-e61f950048d6",
      fingerprint: "authentik.login:akadmin",
      data: {
        app: "authentik.events.signals",
        context: login.context,
        brand: login.brand,
        user: { pk: 1, email: "root@localhost", username: "akadmin" },
      },
      raw: login,
    });
  });

  it("names the user that was tried when a failed login comes from AnonymousUser", () => {
    expect(expectEvent(normaliseAuthentik(loginFailed, context))).toMatchObject({
      type: "authentik.login_failed",
      severity: "medium",
      title: "Failed login for jdoe",
      actor: "jdoe",
      clientIp: "203.0.113.77",
      fingerprint: "authentik.login_failed:jdoe",
      message: expect.stringContaining("stage: default-authentication-password\npassword: ********************\nusername: jdoe"),
    });
  });

  it("rates impersonation high and names who was impersonated", () => {
    expect(expectEvent(normaliseAuthentik(impersonationStarted, context))).toMatchObject({
      type: "authentik.impersonation_started",
      severity: "high",
      title: "akadmin started impersonating John Doe",
      clientIp: "2001:db8::42",
      message: expect.stringContaining("reason: reproduce broken Grafana login"),
    });
  });

  it("describes model changes by model and name", () => {
    expect(expectEvent(normaliseAuthentik(modelUpdated, context))).toMatchObject({
      type: "authentik.model_updated",
      severity: "info",
      title: "Model updated: group admins",
    });
  });

  it("titles a system exception by its message and has no actor or IP", () => {
    expect(expectEvent(normaliseAuthentik(systemException, context))).toMatchObject({
      type: "authentik.system_exception",
      severity: "high",
      title: "System exception: OperationalError: server closed the connection unexpectedly",
      message: expect.stringMatching(/^OperationalError: server closed the connection unexpectedly\n\tThis probably/),
      actor: null,
      clientIp: null,
      fingerprint: "authentik.system_exception",
    });
  });

  it("rates actions as the table says, and unknown or custom ones as info", () => {
    const severities: [string, string][] = [
      ["suspicious_request", "high"],
      ["secret_view", "medium"],
      ["policy_exception", "medium"],
      ["configuration_error", "medium"],
      ["logout", "info"],
      ["custom_vpn_login", "info"],
      ["brand_new_action", "info"],
    ];
    for (const [action, severity] of severities) {
      expect(expectEvent(normaliseAuthentik({ action, created: "2024-05-02T09:00:00Z" }, context)).severity, action).toBe(severity);
    }
  });

  it("uses the receive time when created is missing and makes a type from odd actions", () => {
    const event = expectEvent(normaliseAuthentik({ action: "Custom VPN-Login" }, context));
    expect(event).toMatchObject({ type: "authentik.custom_vpn_login", occurredAt: receivedAt, externalId: null, title: "Vpn login" });
  });

  it("rejects an invalid created date", () => {
    expect(expectIssues(normaliseAuthentik({ ...login, created: "15/02/2023 15:33" }, context))).toEqual([
      { path: "event.created", message: expect.stringContaining("ISO 8601") },
    ]);
  });

  it("rejects an invalid client IP", () => {
    expect(expectIssues(normaliseAuthentik({ ...login, client_ip: "not-an-ip" }, context))).toEqual([
      { path: "event.client_ip", message: expect.stringContaining("IPv4 or IPv6") },
    ]);
  });

  it("reports wrong types in the event's own field names", () => {
    const issues = expectIssues(normaliseAuthentik({ action: 3, user: "akadmin", context: [] }, context));
    expect(issues).toEqual([
      { path: "event.action", message: "Expected a string, got a number" },
      { path: "event.user", message: "Expected a JSON object, got a string" },
      { path: "event.context", message: "Expected a JSON object, got an array" },
    ]);
    expect(expectIssues(normaliseAuthentik({ action: "" }, context))).toEqual([{ path: "event.action", message: "Must not be empty" }]);
  });
});

describe("normaliseAuthentik: generic webhook transport", () => {
  it("reads the action back out of the body and maps authentik's severity", () => {
    expect(expectEvent(normaliseAuthentik(notificationLoginFailed, context))).toEqual({
      type: "authentik.login_failed",
      severity: "medium",
      title: "Failed login for jdoe",
      message: notificationLoginFailed.body,
      actor: "jdoe",
      clientIp: null,
      occurredAt: receivedAt,
      externalId: null,
      fingerprint: "authentik.login_failed:jdoe",
      data: {
        action: "login_failed",
        transportSeverity: "warning",
        userEmail: "secops@example.com",
        userUsername: "secops",
        eventUserUsername: "AnonymousUser",
      },
      raw: notificationLoginFailed,
    });
  });

  it("falls back to authentik.notification when the body is a message", () => {
    expect(expectEvent(normaliseAuthentik(notificationMessage, context))).toMatchObject({
      type: "authentik.notification",
      severity: "high",
      title: "OperationalError: server closed the connection unexpectedly",
      actor: null,
      data: { transportSeverity: "alert", userUsername: "secops" },
    });
  });

  it("maps notice, warning and alert to info, medium and high", () => {
    const cases: [string | null, string][] = [
      ["notice", "info"],
      ["warning", "medium"],
      ["alert", "high"],
      ["Alert", "high"],
      [null, "info"],
    ];
    for (const [severity, expected] of cases) {
      expect(expectEvent(normaliseAuthentik({ body: "Something happened", severity }, context)).severity).toBe(expected);
    }
    // Without a transport severity the action's own rating applies.
    expect(expectEvent(normaliseAuthentik({ body: "suspicious_request: {'message': 'x'}" }, context)).severity).toBe("high");
  });

  it("prefers the event user over the recipient as actor", () => {
    const event = expectEvent(normaliseAuthentik({ body: "logout: {}", severity: "notice", user_username: "secops", event_user_username: "akadmin", event_user_email: "root@example.com" }, context));
    expect(event).toMatchObject({ type: "authentik.logout", actor: "akadmin", title: "akadmin logged out" });
  });

  it("does not mistake ordinary text with a colon for an action", () => {
    expect(expectEvent(normaliseAuthentik({ body: "warning: disk almost full", severity: "warning" }, context)).type).toBe("authentik.notification");
  });

  it("rejects a body that is not a string", () => {
    expect(expectIssues(normaliseAuthentik({ body: { text: "x" }, severity: "notice" }, context))).toEqual([
      { path: "event.body", message: "Expected a string, got an object" },
    ]);
  });
});

describe("normaliseAuthentik: bad input", () => {
  it("rejects non-objects", () => {
    expectNonObjectsRejected(normaliseAuthentik);
  });

  it("explains the two accepted shapes when neither action nor body is present", () => {
    expect(expectIssues(normaliseAuthentik({ severity: "alert" }, context))).toEqual([
      { path: "event", message: expect.stringContaining("generic webhook transport") },
    ]);
  });
});
