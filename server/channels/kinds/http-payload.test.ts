import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/server/db/client";
import type { ChannelForSend, ChatChannelKind } from "../channel-kind";
import type { RenderedHttpPayload } from "../notification-message";
import { startTestReceiver, type TestReceiver } from "../test-receiver";
import { channelKindModules } from "./index";
import { fixedNow, renderCases } from "./test-messages";

const chatKinds: ChatChannelKind[] = ["slack", "teams", "mattermost", "discord"];
const messageId = "msg_01900000-0000-7000-8000-0000000d0001";
// Sending never touches the database for these kinds.
const db = {} as Db;

describe("chat kinds sending", () => {
  let receiver: TestReceiver;

  beforeAll(async () => {
    receiver = await startTestReceiver({ host: "127.0.0.2", reply: () => ({ status: 200, body: "ok" }) });
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32");
    return () => vi.unstubAllEnvs();
  });

  const chatChannel = (kind: ChatChannelKind, url: string): ChannelForSend => ({
    id: "01900000-0000-7000-8000-0000000c0e03",
    workspaceId: "01900000-0000-7000-8000-00000000a001",
    kind,
    settings: { kind },
    secrets: { kind, url },
    previousSigningSecretExpiresAt: null,
  });

  it.each(chatKinds)("%s posts the rendered JSON to the channel's webhook URL", async (kind) => {
    const kindModule = channelKindModules[kind];
    const rendered = await kindModule.render(renderCases["login-failed"]());
    const outcome = await kindModule.send(chatChannel(kind, `${receiver.url}/hooks/${kind}/T000/B000/XXXX`), rendered, { db, messageId, now: fixedNow });
    expect(outcome).toMatchObject({ kind: "answered", status: 200 });
    const request = receiver.requests.at(-1)!;
    expect(request).toMatchObject({ method: "POST", path: `/hooks/${kind}/T000/B000/XXXX` });
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toBe((rendered as RenderedHttpPayload).body);
  });

  it("refuses secrets that belong to another kind (a wiring mistake, not a send)", async () => {
    const rendered = await channelKindModules.slack.render(renderCases["login-failed"]());
    const channel = { ...chatChannel("slack", receiver.url), secrets: { kind: "email" as const } };
    await expect(channelKindModules.slack.send(channel, rendered, { db, messageId, now: fixedNow })).rejects.toThrow(/no webhook URL/);
  });

  it("refuses a payload rendered for email", async () => {
    const rendered = await channelKindModules.email.render(renderCases["login-failed"]());
    await expect(channelKindModules.discord.send(chatChannel("discord", receiver.url), rendered, { db, messageId, now: fixedNow })).rejects.toThrow(/rendered email payload/);
  });
});
