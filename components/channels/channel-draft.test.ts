import { describe, expect, it } from "vitest";
import { createChannelInput, updateChannelInput } from "@/server/channels/channel-schemas";
import { draftFromChannel, newChannelDraft, splitRecipients, toCreateValues, toUpdateValues } from "./channel-draft";
import type { ChannelItem } from "./channel-types";

const CHANNEL_ID = "0190c0de-0000-7000-8000-000000000001";

function savedChannel(overrides: Partial<ChannelItem>): ChannelItem {
  return {
    id: CHANNEL_ID,
    kind: "webhook",
    name: "SOAR intake",
    shared: false,
    ownerUserId: "0190c0de-0000-7000-8000-000000000002",
    target: "https://soar.example.com/…/abc",
    settings: { kind: "webhook", auth: "basic", basicUsername: "tocsin" },
    maxRetries: 3,
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    consecutiveFailures: 0,
    lastDeliveredAt: null,
    lastFailedAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    canEdit: true,
    previousSigningSecretExpiresAt: null,
    ...overrides,
  };
}

describe("channel form draft", () => {
  it("splits recipients on lines, commas and semicolons", () => {
    expect(splitRecipients(" a@example.com\n\nb@example.com , c@example.com; ")).toEqual(["a@example.com", "b@example.com", "c@example.com"]);
  });

  it("creates a personal email channel for its owner, and a shared one with no recipient until some are typed", () => {
    expect(newChannelDraft("email", "me@example.com").recipients).toBe("me@example.com");
    const shared = newChannelDraft("email", "me@example.com", true);
    expect(shared.recipients).toBe("");
    expect(createChannelInput.parse(toCreateValues({ ...shared, name: "SOC mailbox" }))).toMatchObject({ kind: "email", shared: true, recipients: undefined });
  });

  it("sends only the credentials of the chosen authentication", () => {
    const draft = { ...newChannelDraft("webhook", "me@example.com"), name: "SOAR", url: "https://soar.example.com/hook", bearerToken: "left over", basicUsername: "u", basicPassword: "p" };
    expect(createChannelInput.parse(toCreateValues({ ...draft, auth: "basic" }))).toMatchObject({ auth: "basic", basicUsername: "u", basicPassword: "p", bearerToken: undefined });
    expect(createChannelInput.parse(toCreateValues({ ...draft, auth: "bearer" }))).toMatchObject({ auth: "bearer", bearerToken: "left over", basicUsername: undefined, basicPassword: undefined });
    const chat = createChannelInput.parse(toCreateValues({ ...draft, kind: "slack" }));
    expect(chat).toEqual({ kind: "slack", name: "SOAR", shared: false, maxRetries: 3, url: "https://soar.example.com/hook" });
  });

  it("keeps the stored URL and password when their inputs are left empty on edit", () => {
    const draft = draftFromChannel(savedChannel({}));
    expect(draft).toMatchObject({ url: "", auth: "basic", basicUsername: "tocsin", basicPassword: "" });
    const update = updateChannelInput.parse(toUpdateValues({ ...draft, name: "SOAR" }, CHANNEL_ID));
    expect(update).toEqual({ channelId: CHANNEL_ID, name: "SOAR", maxRetries: 3, auth: "basic", basicUsername: "tocsin", url: undefined, bearerToken: undefined, basicPassword: undefined });
    expect(updateChannelInput.parse(toUpdateValues({ ...draft, url: " https://new.example.com/x " }, CHANNEL_ID)).url).toBe("https://new.example.com/x");
  });

  it("refuses an email channel left without recipients on edit, beside the field", () => {
    const draft = draftFromChannel(savedChannel({ kind: "email", settings: { kind: "email", recipients: ["a@example.com"] } }));
    expect(draft.recipients).toBe("a@example.com");
    const parsed = updateChannelInput.safeParse(toUpdateValues({ ...draft, recipients: " \n" }, CHANNEL_ID));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["recipients"]);
  });
});
