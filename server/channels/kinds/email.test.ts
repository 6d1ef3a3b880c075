import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { createTestDatabase } from "@/server/db/test-database";
import { listOutbox } from "@/server/mail/outbox";
import type { ChannelForSend } from "../channel-kind";
import type { RenderedEmail } from "../notification-message";
import { startTestReceiver, type ReceiverReply, type TestReceiver } from "../test-receiver";
import { emailChannelKind } from "./email";
import { fixedNow, renderCases } from "./test-messages";

const messageId = "msg_01900000-0000-7000-8000-0000000d0001";
const recipients = ["soc@example.com", "oncall@example.com"];
const channel: ChannelForSend = {
  id: "01900000-0000-7000-8000-0000000c0e01",
  workspaceId: "01900000-0000-7000-8000-00000000a001",
  kind: "email",
  settings: { kind: "email", recipients },
  secrets: { kind: "email" },
  previousSigningSecretExpiresAt: null,
};

describe("email channel", () => {
  let handle: DbHandle;
  let rendered: RenderedEmail;
  let resend: TestReceiver;
  let answer: ReceiverReply;

  beforeAll(async () => {
    handle = await createTestDatabase();
    rendered = (await emailChannelKind.render(renderCases["login-failed"]())) as RenderedEmail;
    // A local stand-in for the Resend API: the real SDK is pointed at it through RESEND_BASE_URL.
    resend = await startTestReceiver({ reply: () => answer });
  });
  afterAll(async () => {
    await resend.close();
    await handle.close();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    resend.requests.length = 0;
  });

  const send = () => emailChannelKind.send(channel, rendered, { db: handle.db, messageId, now: fixedNow });

  function useResend(reply: ReceiverReply) {
    answer = reply;
    vi.stubEnv("RESEND_API_KEY", "re_test_key");
    vi.stubEnv("RESEND_BASE_URL", resend.url);
    vi.stubEnv("EMAIL_FROM", "Tocsin alerts <alerts@tocsin.example>");
  }

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): ReceiverReply => ({
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

  it("renders a subject with the severity, and HTML and text parts", () => {
    expect(rendered.subject).toBe("[MEDIUM] Failed login for jdoe");
    expect(rendered.html).toContain("<h1");
    expect(rendered.text).toContain("Failed login for jdoe");
    expect(rendered.text).toContain("Open in Tocsin https://tocsin.example.com/w/northwind/events/");
  });

  it("cuts a long subject to 200 characters, on one line", async () => {
    const message = renderCases["login-failed"]();
    message.event.title = `Line one\r\nBcc: someone@example.com ${"x".repeat(400)}`;
    const long = (await emailChannelKind.render(message)) as RenderedEmail;
    expect(long.subject).toHaveLength(200);
    expect(long.subject).toMatch(/^\[MEDIUM\] Line one Bcc: someone@example\.com x+…$/);
    expect(long.truncated).toBe(true);
  });

  it("writes one outbox entry per recipient in embedded mode, and answers 202", async () => {
    vi.stubEnv("RESEND_API_KEY", "");
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: "answered", status: 202, retryAfterMs: null });
    for (const to of recipients) {
      const [stored] = await listOutbox(handle.db, { to });
      expect(stored).toMatchObject({ to, subject: rendered.subject, html: rendered.html, text: rendered.text, from: "Tocsin <tocsin@localhost>" });
    }
    expect(resend.requests).toHaveLength(0);
  });

  it("sends through Resend with an idempotency key and the message id, and answers 200", async () => {
    useResend(json(200, { id: "email_1" }));
    const before = (await listOutbox(handle.db)).length;
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: "answered", status: 200, retryAfterMs: null });
    expect(resend.requests).toHaveLength(1);
    const [request] = resend.requests;
    expect(request!.path).toBe("/emails");
    expect(request!.headers.authorization).toBe("Bearer re_test_key");
    expect(request!.headers["idempotency-key"]).toBe(messageId);
    expect(JSON.parse(request!.body)).toMatchObject({
      from: "Tocsin alerts <alerts@tocsin.example>",
      to: recipients,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      headers: { "X-Entity-Ref-ID": messageId },
    });
    expect(await listOutbox(handle.db)).toHaveLength(before);
  });

  it("answers with Resend's status when it refuses the email", async () => {
    useResend(json(422, { name: "validation_error", message: "Invalid `to` field", statusCode: 422 }));
    expect(await send()).toMatchObject({ kind: "answered", status: 422 });
  });

  it("passes Resend's rate limit on, with its Retry-After", async () => {
    useResend(json(429, { name: "rate_limit_exceeded", message: "Too many requests", statusCode: 429 }, { "retry-after": "2" }));
    expect(await send()).toMatchObject({ kind: "answered", status: 429, retryAfterMs: 2000 });
  });

  it("reads the status from the error's name when Resend gives none", async () => {
    useResend(json(403, { name: "invalid_api_key", message: "API key is invalid" }));
    expect(await send()).toMatchObject({ kind: "answered", status: 403 });
    useResend(json(500, { name: "rate_limit_exceeded", message: "Too many requests" }));
    expect(await send()).toMatchObject({ kind: "answered", status: 429 });
  });

  it("reports an unreachable provider as an email provider error, without the key", async () => {
    const gone = await startTestReceiver();
    await gone.close();
    vi.stubEnv("RESEND_API_KEY", "re_secret_key_value");
    vi.stubEnv("RESEND_BASE_URL", gone.url);
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: "failed", errorClass: "email_provider_error" });
    expect(JSON.stringify(outcome)).not.toContain("re_secret_key_value");
  });

  it("refuses a payload rendered for another kind", async () => {
    const http = { kind: "http", contentType: "application/json", body: "{}", bytes: 2, limitBytes: null, limits: "", truncated: false } as const;
    await expect(emailChannelKind.send(channel, http, { db: handle.db, messageId, now: fixedNow })).rejects.toThrow(/rendered http payload/);
  });
});
