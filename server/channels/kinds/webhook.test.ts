import { Webhook } from "standardwebhooks";
import { z } from "zod";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/server/db/client";
import type { ChannelForSend, ChannelSecrets } from "../channel-kind";
import type { RenderedHttpPayload } from "../notification-message";
import { startTestReceiver, type TestReceiver } from "../test-receiver";
import { buildTruncationMarker } from "../truncate";
import { renderCases } from "./test-messages";
import { webhookChannelKind, webhookLimitBytes, webhookNotificationSchema } from "./webhook";

const current = `whsec_${Buffer.from("current-secret-bytes-for-tests!!").toString("base64")}`;
const previous = `whsec_${Buffer.from("previous-secret-bytes-for-tests!").toString("base64")}`;
const messageId = "msg_01900000-0000-7000-8000-0000000d0001";
// Sending never touches the database for this kind.
const db = {} as Db;

async function render(message = renderCases["login-failed"]()) {
  return (await webhookChannelKind.render(message)) as RenderedHttpPayload;
}

describe("webhook body", () => {
  it("follows the published schema", async () => {
    const rendered = await render();
    const body = webhookNotificationSchema.parse(JSON.parse(rendered.body));
    expect(body).toMatchObject({ type: "tocsin.notification", version: 1, id: messageId, test: false, truncated: false, rule: { name: "Failed logins on SSO" } });
    expect(body.event.data).not.toBeNull();
    expect(rendered.limitBytes).toBe(webhookLimitBytes);
  });

  it("converts to the JSON Schema receivers are given", () => {
    const schema = z.toJSONSchema(webhookNotificationSchema, { target: "draft-2020-12" }) as { required: string[]; properties: Record<string, { description?: string }> };
    expect(schema.required).toEqual(["type", "version", "id", "timestamp", "test", "event", "rule", "workspace", "community", "links", "suppressed", "summary", "truncated"]);
    expect(schema.properties.id!.description).toMatch(/webhook-id/);
  });

  it("drops the data first when the body would pass 256 KiB", async () => {
    const message = renderCases["login-failed"]();
    message.event.data = { blob: "d".repeat(300_000) };
    const rendered = await render(message);
    const body = webhookNotificationSchema.parse(JSON.parse(rendered.body));
    expect(rendered.bytes).toBeLessThanOrEqual(webhookLimitBytes);
    expect(body.event.data).toBeNull();
    expect(body.event.message).toBe(message.event.message);
    expect(body.truncated).toBe(true);
    expect(rendered.truncated).toBe(true);
  });

  it("then cuts long strings, each ending with the marker and the event's link", async () => {
    const message = renderCases["login-failed"]();
    message.event.title = "T".repeat(200_000);
    message.event.message = "🚨".repeat(150_000);
    const rendered = await render(message);
    const body = webhookNotificationSchema.parse(JSON.parse(rendered.body));
    expect(rendered.bytes).toBeLessThanOrEqual(webhookLimitBytes);
    const marker = buildTruncationMarker(message.links.event);
    expect(body.event.title.endsWith(marker)).toBe(true);
    expect(body.event.message!.endsWith(marker)).toBe(true);
    expect(body.event.message).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(body.truncated).toBe(true);
  });
});

describe("webhook sending", () => {
  let receiver: TestReceiver;

  beforeAll(async () => {
    receiver = await startTestReceiver({ host: "127.0.0.2" });
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32");
    receiver.requests.length = 0;
    return () => vi.unstubAllEnvs();
  });

  function webhookChannel(options: { auth?: "none" | "bearer" | "basic"; secrets?: Partial<Extract<ChannelSecrets, { kind: "webhook" }>>; previousUntil?: Date | null } = {}): ChannelForSend {
    return {
      id: "01900000-0000-7000-8000-0000000c0e02",
      workspaceId: "01900000-0000-7000-8000-00000000a001",
      kind: "webhook",
      settings: { kind: "webhook", auth: options.auth ?? "none", basicUsername: options.auth === "basic" ? "tocsin" : null },
      secrets: { kind: "webhook", url: `${receiver.url}/hooks/tocsin`, bearerToken: null, basicPassword: null, signingSecret: current, previousSigningSecret: null, ...options.secrets },
      previousSigningSecretExpiresAt: options.previousUntil ?? null,
    };
  }

  async function sendOnce(channel: ChannelForSend, now = new Date()) {
    const rendered = await render();
    const outcome = await webhookChannelKind.send(channel, rendered, { db, messageId, now });
    return { rendered, outcome, request: receiver.requests.at(-1)! };
  }

  const headersOf = (request: TestReceiver["requests"][number]) => Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));

  it("posts the body, signed so that the standardwebhooks package verifies it", async () => {
    const { rendered, outcome, request } = await sendOnce(webhookChannel());
    expect(outcome).toMatchObject({ kind: "answered", status: 200 });
    expect(request).toMatchObject({ method: "POST", path: "/hooks/tocsin", body: rendered.body });
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["webhook-id"]).toBe(messageId);
    expect(request.headers.authorization).toBeUndefined();
    expect(new Webhook(current).verify(request.body, headersOf(request))).toMatchObject({ id: messageId });
  });

  it("keeps the webhook-id across retries of the same delivery", async () => {
    const first = await sendOnce(webhookChannel());
    const retry = await sendOnce(webhookChannel(), new Date(Date.now() + 10_000));
    expect(retry.request.headers["webhook-id"]).toBe(first.request.headers["webhook-id"]);
    expect(Number(retry.request.headers["webhook-timestamp"])).toBeGreaterThan(Number(first.request.headers["webhook-timestamp"]));
  });

  it("signs with both secrets during the overlap after a rotation, and with the new one only after it", async () => {
    const now = new Date();
    const secrets = { previousSigningSecret: previous };
    const during = (await sendOnce(webhookChannel({ secrets, previousUntil: new Date(now.getTime() + 60_000) }), now)).request;
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(() => new Webhook(current).verify(during.body, headersOf(during))).not.toThrow();
    expect(() => new Webhook(previous).verify(during.body, headersOf(during))).not.toThrow();

    const after = (await sendOnce(webhookChannel({ secrets, previousUntil: new Date(now.getTime() - 1) }), now)).request;
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(() => new Webhook(current).verify(after.body, headersOf(after))).not.toThrow();
    expect(() => new Webhook(previous).verify(after.body, headersOf(after))).toThrow(/signature/i);
  });

  it("sends a bearer token when the channel uses one", async () => {
    const { request } = await sendOnce(webhookChannel({ auth: "bearer", secrets: { bearerToken: "tok_3x4mpl3" } }));
    expect(request.headers.authorization).toBe("Bearer tok_3x4mpl3");
  });

  it("sends basic credentials when the channel uses them", async () => {
    const { request } = await sendOnce(webhookChannel({ auth: "basic", secrets: { basicPassword: "pa:ss wörd" } }));
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from("tocsin:pa:ss wörd").toString("base64")}`);
  });

  it("reports the receiver's status, never its body", async () => {
    receiver.reply = () => ({ status: 410, body: "channel deleted: secret=hunter2" });
    try {
      const { outcome } = await sendOnce(webhookChannel());
      expect(outcome).toMatchObject({ kind: "answered", status: 410 });
      expect(JSON.stringify(outcome)).not.toContain("hunter2");
    } finally {
      receiver.reply = () => ({ status: 200 });
    }
  });

  it("refuses a destination Tocsin does not send to, without connecting", async () => {
    const connections = receiver.connections;
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "");
    const outcome = await webhookChannelKind.send(webhookChannel(), await render(), { db, messageId, now: new Date() });
    expect(outcome).toMatchObject({ kind: "failed", errorClass: "blocked_destination" });
    expect(receiver.connections).toBe(connections);
  });
});
