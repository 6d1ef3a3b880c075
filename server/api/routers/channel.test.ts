import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { and, count, eq, inArray, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openChannelForSend } from "@/server/channels/channel-for-send";
import { createChannel, resolveRuleChannels, type ChannelActor } from "@/server/channels/channels";
import type { Resolver } from "@/server/channels/safe-http";
import type { DbHandle } from "@/server/db/client";
import { channels, ruleChannels, webhookChannelKinds } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { callHttp, countRows, expectTrpcError, queryRows, seedTwoWorkspaces, seedWorkspace, snapshotWorkspace, type Caller, type SeededWorkspace } from "../test-helpers";
import type { SessionUser } from "../trpc";

// Public IP literals: the save-time destination check needs no DNS for them (there is none here).
const PUBLIC_HOST = "93.184.216.34";
const hex = () => randomBytes(12).toString("hex");
const secretUrl = (path = "hooks", scheme = "https") => `${scheme}://${PUBLIC_HOST}/${path}/${hex()}`;

type CreateInput = Parameters<Caller["channel"]["create"]>[0];
type UpdateInput = Parameters<Caller["channel"]["update"]>[0];

describe("channel router", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;
  let counter = 0;

  beforeAll(async () => {
    handle = await createTestDatabase();
    const seeded = await seedTwoWorkspaces(handle.db, "channels");
    ws = seeded.a;
    other = seeded.b;
    // This suite creates many webhook channels; the cap has its own workspace below.
    await setCap(ws, 1000);
  });
  afterAll(() => handle.close());
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  function setCap(target: SeededWorkspace, webhookChannelCap: number) {
    const { workspace } = target;
    return target.callers.owner.workspace.updateSettings({
      workspaceSlug: target.slug,
      name: workspace.name,
      timezone: workspace.timezone,
      retentionDays: workspace.retentionDays,
      mode: workspace.mode,
      webhookChannelCap,
    });
  }

  const create = (caller: Caller, input: Record<string, unknown>, target = ws) =>
    caller.channel.create({ workspaceSlug: target.slug, name: `Channel ${++counter}`, ...input } as CreateInput);
  const update = (caller: Caller, input: Record<string, unknown>) => caller.channel.update({ workspaceSlug: ws.slug, ...input } as UpdateInput);
  const ref = (channelId: string) => ({ workspaceSlug: ws.slug, channelId });
  /** Through the HTTP handler, the only path that runs the errorFormatter (field errors). */
  const mutateHttp = (user: SessionUser, path: string, input: Record<string, unknown>) =>
    callHttp({ db: handle.db, user, path, type: "mutation", input: { workspaceSlug: ws.slug, ...input } });

  async function storedRow(channelId: string) {
    const [row] = await handle.db.select().from(channels).where(eq(channels.id, channelId));
    return row!;
  }

  /** The stored row as PostgreSQL renders it: every column, for searching secrets in. */
  async function storedText(channelId: string) {
    const [row] = await queryRows<{ row: string }>(handle.db, sql`select t::text as row from ${channels} t where id = ${channelId}`);
    return row!.row;
  }

  function expectNoSecret(value: unknown, secrets: readonly string[]) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }

  describe("every kind", () => {
    const bearerToken = `tok-${hex()}`;
    const basicPassword = `pw-${hex()}`;
    const cases = () => {
      const urls = { slack: secretUrl("services/T0/B0"), teams: secretUrl("workflows"), mattermost: secretUrl("hooks"), discord: secretUrl("api/webhooks/1") };
      const webhookUrl = `${secretUrl("soar")}?key=${hex()}`;
      return [
        {
          input: { kind: "email", recipients: ["SOC@Example.test", "soc@example.test", "ciso@example.test"] },
          secrets: [] as string[],
          settings: { kind: "email", recipients: ["soc@example.test", "ciso@example.test"] },
          opened: { kind: "email" },
          warnings: {},
        },
        ...(["slack", "teams", "mattermost", "discord"] as const).map((kind) => ({
          input: { kind, url: urls[kind] },
          secrets: [urls[kind], new URL(urls[kind]).pathname],
          settings: { kind },
          opened: { kind, url: urls[kind] },
          // A chat URL at a bare address is not Slack's or Discord's own host: saved, with a word.
          warnings: kind === "slack" || kind === "discord" ? { url: [expect.stringContaining(kind === "slack" ? "not a Slack" : "not a Discord")] } : {},
        })),
        {
          input: { kind: "webhook", url: webhookUrl, auth: "bearer", bearerToken },
          secrets: [webhookUrl, new URL(webhookUrl).pathname, new URL(webhookUrl).search, bearerToken],
          settings: { kind: "webhook", auth: "bearer", basicUsername: null },
          opened: { kind: "webhook", url: webhookUrl, bearerToken, basicPassword: null, previousSigningSecret: null },
          warnings: {},
        },
        {
          input: { kind: "webhook", url: webhookUrl, auth: "basic", basicUsername: "tocsin", basicPassword },
          secrets: [webhookUrl, new URL(webhookUrl).pathname, basicPassword],
          settings: { kind: "webhook", auth: "basic", basicUsername: "tocsin" },
          opened: { kind: "webhook", url: webhookUrl, bearerToken: null, basicPassword, previousSigningSecret: null },
          warnings: {},
        },
      ];
    };

    it("are created, read back masked by every procedure, and stored sealed", async () => {
      const caller = ws.callers.analyst;
      for (const testCase of cases()) {
        const created = await create(caller, testCase.input);
        const { channel, warnings, signingSecret } = created;
        expect(channel).toMatchObject({
          kind: testCase.input.kind,
          shared: false,
          ownerUserId: ws.users.analyst.id,
          settings: testCase.settings,
          maxRetries: 3,
          enabled: true,
          disabledReason: null,
          consecutiveFailures: 0,
          canEdit: true,
          previousSigningSecretExpiresAt: null,
        });
        expect(warnings).toEqual(testCase.warnings);
        if (testCase.input.kind === "email") expect(channel.target).toBe("soc@example.test, ciso@example.test");
        else expect(channel.target).toMatch(new RegExp(`^https://${PUBLIC_HOST.replaceAll(".", "\\.")}/….{1,4}$`));

        const secrets = [...testCase.secrets];
        if (testCase.input.kind === "webhook") {
          expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
          secrets.push(signingSecret!, signingSecret!.slice("whsec_".length));
        } else {
          expect(signingSecret).toBeNull();
        }

        const outputs = [
          { ...created, signingSecret: null },
          await caller.channel.get(ref(channel.id)),
          await caller.channel.list({ workspaceSlug: ws.slug }),
          await update(caller, { channelId: channel.id, name: `${channel.name} renamed`, maxRetries: 5 }),
          await caller.channel.setEnabled({ ...ref(channel.id), enabled: false }),
        ];
        expectNoSecret(outputs, secrets);

        // The row holds its secrets sealed (bound to its id), in no column in clear.
        const text = await storedText(channel.id);
        expectNoSecret(text, secrets);
        const row = await storedRow(channel.id);
        expect(row.secrets).toMatch(/^v1\./);
        expect(openChannelForSend(row).secrets).toEqual({ ...testCase.opened, ...(signingSecret ? { signingSecret } : {}) });
        expect(row.maxRetries).toBe(5);
      }
    });

    it("answer the same masked view through HTTP, where no secret appears either", async () => {
      const url = secretUrl();
      const { channel } = await create(ws.callers.admin, { kind: "mattermost", url, shared: true });
      for (const user of [ws.users.viewer, ws.users.admin]) {
        const { status, data } = await callHttp({ db: handle.db, user, path: "channel.list", type: "query", input: { workspaceSlug: ws.slug } });
        expect(status).toBe(200);
        expect((data as { id: string }[]).map((c) => c.id)).toContain(channel.id);
        expectNoSecret(data, [url, new URL(url).pathname]);
      }
    });

    it("mail the owner of a personal email channel when no recipient is given", async () => {
      const { channel } = await create(ws.callers.viewer, { kind: "email" });
      expect(channel.settings).toEqual({ kind: "email", recipients: [ws.users.viewer.email] });
      expect(channel.target).toBe(ws.users.viewer.email);
    });

    it("need recipients for a shared email channel", async () => {
      const before = await countRows(handle.db);
      const { status, error } = await mutateHttp(ws.users.admin, "channel.create", { kind: "email", name: "Everyone", shared: true });
      expect(status).toBe(400);
      expect(error!.data.fieldErrors).toEqual({ recipients: ["Add at least one recipient"] });
      expect(await countRows(handle.db)).toEqual(before);
    });
  });

  describe("visibility", () => {
    it("keeps a personal channel its owner's: not even an owner or admin can list, get, change, delete, reveal or rotate it", async () => {
      const { channel: slack } = await create(ws.callers.analyst, { kind: "slack", url: secretUrl(), name: "Analyst's Slack" });
      const { channel: webhook } = await create(ws.callers.analyst, { kind: "webhook", url: secretUrl(), name: "Analyst's hook" });
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      for (const role of ["owner", "admin", "viewer"] as const) {
        const caller = ws.callers[role];
        const listed = [...(await caller.channel.list({ workspaceSlug: ws.slug })), ...(await caller.channel.list({ workspaceSlug: ws.slug, usableBy: "personal" }))];
        expect(listed.map((c) => c.id)).not.toContain(slack.id);
        expect(listed.every((c) => c.shared || c.ownerUserId === ws.users[role].id)).toBe(true);
        for (const channelId of [slack.id, webhook.id]) {
          for (const call of [
            () => caller.channel.get(ref(channelId)),
            () => update(caller, { channelId, name: "Hijacked" }),
            () => update(caller, { channelId, url: secretUrl() }),
            () => caller.channel.setEnabled({ ...ref(channelId), enabled: false }),
            () => caller.channel.delete(ref(channelId)),
            () => caller.channel.revealSigningSecret(ref(channelId)),
            () => caller.channel.rotateSigningSecret(ref(channelId)),
          ]) {
            const error = await expectTrpcError(call(), "NOT_FOUND");
            expect(error.message).toBe("Channel not found");
          }
        }
      }
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
      expect((await ws.callers.analyst.channel.get(ref(slack.id))).name).toBe("Analyst's Slack");
    });

    it("lists shared channels to every member, masked, and lets only admins and owners change them", async () => {
      const url = secretUrl();
      const { channel, signingSecret } = await create(ws.callers.admin, { kind: "webhook", url, shared: true, name: "SOAR" });
      expect(channel).toMatchObject({ shared: true, ownerUserId: null, canEdit: true });
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        const listed = await ws.callers[role].channel.list({ workspaceSlug: ws.slug });
        const seen = listed.find((c) => c.id === channel.id)!;
        expect(seen).toMatchObject({ name: "SOAR", shared: true, canEdit: role === "owner" || role === "admin" });
        expectNoSecret([listed, await ws.callers[role].channel.get(ref(channel.id))], [url, new URL(url).pathname, signingSecret!]);
      }

      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      for (const role of ["analyst", "viewer"] as const) {
        const caller = ws.callers[role];
        for (const call of [
          () => update(caller, { channelId: channel.id, name: "Hijacked" }),
          () => caller.channel.setEnabled({ ...ref(channel.id), enabled: false }),
          () => caller.channel.delete(ref(channel.id)),
          () => caller.channel.revealSigningSecret(ref(channel.id)),
          () => caller.channel.rotateSigningSecret(ref(channel.id)),
        ]) {
          const error = await expectTrpcError(call(), "FORBIDDEN");
          expect(error.message).toBe("Only admins change shared channels");
        }
        const error = await expectTrpcError(create(caller, { kind: "slack", url: secretUrl(), shared: true }), "FORBIDDEN");
        expect(error.message).toContain("Shared channels are set up by admins");
      }
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);

      const { channel: renamed } = await update(ws.callers.owner, { channelId: channel.id, name: "SOAR (prod)" });
      expect(renamed).toMatchObject({ name: "SOAR (prod)", shared: true });
      expect((await ws.callers.owner.channel.revealSigningSecret(ref(channel.id))).signingSecret).toBe(signingSecret);
    });

    it("filters what a personal rule (own and shared) or a shared rule (shared only) may use", async () => {
      const { channel: own } = await create(ws.callers.viewer, { kind: "discord", url: secretUrl("api/webhooks/9") });
      const { channel: shared } = await create(ws.callers.admin, { kind: "teams", url: secretUrl(), shared: true });
      const { channel: someoneElses } = await create(ws.callers.analyst, { kind: "teams", url: secretUrl() });
      const forPersonal = (await ws.callers.viewer.channel.list({ workspaceSlug: ws.slug, usableBy: "personal" })).map((c) => c.id);
      expect(forPersonal).toEqual(expect.arrayContaining([own.id, shared.id]));
      expect(forPersonal).not.toContain(someoneElses.id);
      const forShared = await ws.callers.viewer.channel.list({ workspaceSlug: ws.slug, usableBy: "shared" });
      expect(forShared.map((c) => c.id)).toContain(shared.id);
      expect(forShared.every((c) => c.shared)).toBe(true);
      // Personal channels come first, then by name.
      const all = await ws.callers.viewer.channel.list({ workspaceSlug: ws.slug });
      const firstShared = all.findIndex((c) => c.shared);
      expect(all.slice(firstShared).every((c) => c.shared)).toBe(true);
    });

    it("checks a rule's channels: its workspace's, and usable by that kind of rule", async () => {
      const { channel: own } = await create(ws.callers.analyst, { kind: "email" });
      const { channel: shared } = await create(ws.callers.admin, { kind: "email", recipients: ["soc@example.test"], shared: true });
      const { channel: adminsOwn } = await create(ws.callers.admin, { kind: "email" });
      const { channel: foreign } = await create(other.callers.analyst, { kind: "email" }, other);
      const personalRule = { workspaceId: ws.workspace.id, userId: ws.users.analyst.id, ruleKind: "personal" as const };
      const sharedRule = { ...personalRule, userId: ws.users.admin.id, ruleKind: "shared" as const };

      expect(await resolveRuleChannels(handle.db, personalRule, [shared.id, own.id, own.id])).toEqual([own.id, shared.id].sort());
      expect(await resolveRuleChannels(handle.db, sharedRule, [shared.id])).toEqual([shared.id]);
      expect(await resolveRuleChannels(handle.db, personalRule, [])).toEqual([]);
      for (const [rule, ids] of [
        [personalRule, [own.id, adminsOwn.id]],
        [personalRule, [foreign.id]],
        [{ ...personalRule, workspaceId: other.workspace.id }, [own.id]],
        [sharedRule, [shared.id, adminsOwn.id]],
        [sharedRule, [own.id]],
      ] as const) {
        const error = await resolveRuleChannels(handle.db, rule, ids).catch((caught: unknown) => caught);
        expect(error).toMatchObject({ code: "NOT_FOUND", field: "channelIds" });
        expect((error as Error).message).toMatch(/^Channel not found/);
      }
    });
  });

  describe("destinations", () => {
    it.each([
      ["a loopback address", "http://127.0.0.1:8080/hook/SECRET", "loopback"],
      ["a decimal loopback address", "http://2130706433/hook/SECRET", "loopback"],
      ["a private network address", "https://10.1.2.3/hook/SECRET", "private network"],
      ["the cloud metadata address", "http://169.254.169.254/latest/SECRET", "link-local"],
      ["an IPv6 loopback address", "http://[::1]/hook/SECRET", "loopback"],
      ["credentials in the URL", `https://user:SECRET@${PUBLIC_HOST}/hook`, "Remove the user name and password"],
      ["an ftp URL", `ftp://${PUBLIC_HOST}/SECRET`, "Only http and https"],
      ["a name that does not resolve", "https://hooks.invalid/SECRET", "could not be resolved"],
      ["not a URL at all", "SECRET", "not a valid URL"],
    ])("refuses %s at save, beside the url field, without echoing the secret, saving nothing", async (_label, template, reason) => {
      const secret = hex();
      const url = template.replace("SECRET", secret);
      const before = await countRows(handle.db);
      for (const kind of ["slack", "webhook"]) {
        const { status, error } = await mutateHttp(ws.users.analyst, "channel.create", { kind, name: "Refused", url });
        expect(status).toBe(400);
        expect(Object.keys(error!.data.fieldErrors!)).toEqual(["url"]);
        expect(error!.message).toContain(reason);
        expectNoSecret(error, [secret]);
      }
      expect(await countRows(handle.db)).toEqual(before);
    });

    it("warns about a URL sent over plain http, and saves it", async () => {
      const { channel, warnings } = await create(ws.callers.analyst, { kind: "webhook", url: secretUrl("hook", "http") });
      expect(warnings).toEqual({ url: ["This URL is plain http: the secret URL and every notification travel unencrypted; use https"] });
      expect(channel.target.startsWith(`http://${PUBLIC_HOST}/…`)).toBe(true);
    });

    it("accepts plain http inside a range opened by TOCSIN_ALLOWED_PRIVATE_CIDRS without a warning, and still refuses the rest", async () => {
      vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32");
      const { warnings } = await create(ws.callers.analyst, { kind: "webhook", url: "http://127.0.0.2:8080/intranet/hook" });
      expect(warnings).toEqual({});
      await expectTrpcError(create(ws.callers.analyst, { kind: "webhook", url: "http://127.0.0.1:8080/intranet/hook" }), "BAD_REQUEST");
    });

    // Names need DNS, which this machine lacks: these go through the domain with a resolver answering a public address.
    const resolvePublic: Resolver = async () => [{ address: PUBLIC_HOST, family: 4 }];
    const legacyTeams = expect.stringContaining("Office 365 connectors are retired by Microsoft; create a Workflows webhook");
    it.each([
      ["a legacy Office 365 connector", "teams", "https://acme.webhook.office.com/webhookb2/1111@2222/IncomingWebhook/3333/4444", [legacyTeams]],
      ["an outlook.office.com connector", "teams", "https://outlook.office.com/webhook/1111@2222/IncomingWebhook/3333/4444", [legacyTeams]],
      ["an outlook.office365.com connector", "teams", "https://outlook.office365.com/webhook/1111/IncomingWebhook/3333", [legacyTeams]],
      ["a Teams Workflows webhook", "teams", "https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=xyz", []],
      ["Slack's own webhook host", "slack", "https://hooks.slack.com/services/T0/B0/xyz", []],
      ["another host for Slack", "slack", "https://chat.example.com/services/T0/B0/xyz", [expect.stringContaining("not a Slack incoming-webhook address")]],
      ["a Discord webhook", "discord", "https://discord.com/api/webhooks/1/abc", []],
      ["a Discord URL that is not a webhook", "discord", "https://discord.com/channels/1/2", [expect.stringContaining("not a Discord webhook address")]],
      ["a Mattermost server over http", "mattermost", "http://chat.example.com/hooks/abc", [expect.stringContaining("plain http")]],
    ])("warns (or not) about %s, and saves the channel", async (_label, kind, url, expected) => {
      const actor: ChannelActor = { workspaceId: ws.workspace.id, userId: ws.users.analyst.id, role: "analyst" };
      const { channel, warnings } = await createChannel(handle.db, actor, { kind, name: `Named ${++counter}`, shared: false, maxRetries: 3, url } as never, {
        http: { resolve: resolvePublic },
      });
      expect(warnings).toEqual(expected.length ? { url: expected } : {});
      expect((await ws.callers.analyst.channel.get(ref(channel.id))).target).toBe(channel.target);
      expect(channel.target).toMatch(new RegExp(`^${new URL(url).protocol}//${new URL(url).host.replaceAll(".", "\\.")}/…`));
    });
  });

  describe("updates", () => {
    it("keep the secrets that are left out, replace those that are given, and check a new URL again", async () => {
      const caller = ws.callers.analyst;
      const url = secretUrl();
      const token = `tok-${hex()}`;
      const { channel, signingSecret } = await create(caller, { kind: "webhook", url, auth: "bearer", bearerToken: token, name: "Keep me" });
      const secretsOf = async () => openChannelForSend(await storedRow(channel.id)).secrets;

      const renamed = await update(caller, { channelId: channel.id, name: "Kept" });
      expect(renamed).toEqual({ channel: expect.objectContaining({ name: "Kept", target: channel.target }), warnings: {} });
      expect(await secretsOf()).toMatchObject({ url, bearerToken: token, signingSecret });

      const newUrl = secretUrl("hook", "http");
      const moved = await update(caller, { channelId: channel.id, url: newUrl });
      expect(moved.warnings).toEqual({ url: [expect.stringContaining("plain http")] });
      expect(moved.channel.target).not.toBe(channel.target);
      expect(await secretsOf()).toMatchObject({ url: newUrl, bearerToken: token, signingSecret });

      const newToken = `tok-${hex()}`;
      await update(caller, { channelId: channel.id, bearerToken: newToken });
      expect(await secretsOf()).toMatchObject({ url: newUrl, bearerToken: newToken });

      // Switching to basic needs a user name and a password, and drops the token.
      const password = `pw-${hex()}`;
      const before = await storedText(channel.id);
      const { status, error } = await mutateHttp(ws.users.analyst, "channel.update", { channelId: channel.id, auth: "basic", basicPassword: password });
      expect(status).toBe(400);
      expect(error!.data.fieldErrors).toEqual({ basicUsername: ["Enter the user name for basic authentication"] });
      expect(await storedText(channel.id)).toBe(before);
      const { channel: basic } = await update(caller, { channelId: channel.id, auth: "basic", basicUsername: "soar", basicPassword: password });
      expect(basic.settings).toEqual({ kind: "webhook", auth: "basic", basicUsername: "soar" });
      expect(await secretsOf()).toMatchObject({ bearerToken: null, basicPassword: password });
      await update(caller, { channelId: channel.id, basicUsername: "soar2" });
      expect(await secretsOf()).toMatchObject({ basicPassword: password });

      // "none" drops every credential; the signing secret stays.
      const { channel: open } = await update(caller, { channelId: channel.id, auth: "none" });
      expect(open.settings).toEqual({ kind: "webhook", auth: "none", basicUsername: null });
      expect(await secretsOf()).toMatchObject({ url: newUrl, bearerToken: null, basicPassword: null, signingSecret });
      expectNoSecret(await storedText(channel.id), [token, newToken, password, url, newUrl, signingSecret!]);
    });

    it.each([
      ["a refused URL", { url: "http://127.0.0.1/hook" }, "url"],
      ["recipients on a webhook", { recipients: ["soc@example.test"] }, "recipients"],
      ["a token without bearer authentication", { bearerToken: "tok" }, "bearerToken"],
      ["bearer authentication without a token", { auth: "bearer" }, "bearerToken"],
      ["more retries than 8", { maxRetries: 9 }, "maxRetries"],
      ["an empty name", { name: "  " }, "name"],
    ])("refuse %s, naming the field, changing nothing", async (_label, changes, field) => {
      const { channel } = await create(ws.callers.analyst, { kind: "webhook", url: secretUrl() });
      const before = await storedText(channel.id);
      const { status, error } = await mutateHttp(ws.users.analyst, "channel.update", { channelId: channel.id, ...changes });
      expect(status).toBe(400);
      expect(Object.keys(error!.data.fieldErrors!)).toEqual([field]);
      expect(await storedText(channel.id)).toBe(before);
    });

    it("change an email channel's recipients, and refuse a URL for it", async () => {
      const { channel } = await create(ws.callers.analyst, { kind: "email", recipients: ["a@example.test"] });
      const { channel: updated } = await update(ws.callers.analyst, { channelId: channel.id, recipients: ["B@example.test", "c@example.test"] });
      expect(updated.settings).toEqual({ kind: "email", recipients: ["b@example.test", "c@example.test"] });
      expect(updated.target).toBe("b@example.test, c@example.test");
      const error = await expectTrpcError(update(ws.callers.analyst, { channelId: channel.id, url: secretUrl() }), "BAD_REQUEST");
      expect(error.message).toBe("url does not apply to email channels");
    });

    it("switch a channel off by hand, and on again with its failures forgotten", async () => {
      const { channel } = await create(ws.callers.analyst, { kind: "slack", url: secretUrl() });
      const off = await ws.callers.analyst.channel.setEnabled({ ...ref(channel.id), enabled: false });
      expect(off).toMatchObject({ enabled: false, disabledReason: null, disabledAt: expect.any(Date) });
      expect(await ws.callers.analyst.channel.setEnabled({ ...ref(channel.id), enabled: false })).toEqual(off);

      // As the delivery job leaves a channel that kept failing.
      await handle.db
        .update(channels)
        .set({ enabled: false, disabledReason: "5 deliveries in a row failed (HTTP 500)", consecutiveFailures: 5, lastFailedAt: new Date() })
        .where(eq(channels.id, channel.id));
      expect(await ws.callers.analyst.channel.get(ref(channel.id))).toMatchObject({ enabled: false, disabledReason: "5 deliveries in a row failed (HTTP 500)", consecutiveFailures: 5 });
      const on = await ws.callers.analyst.channel.setEnabled({ ...ref(channel.id), enabled: true });
      expect(on).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, lastFailedAt: expect.any(Date) });
      expect(on.updatedAt.getTime()).toBeGreaterThan(off.updatedAt.getTime());
    });

    it("delete a channel with its rule attachments", async () => {
      const { channel } = await create(ws.callers.analyst, { kind: "email" });
      const { rule } = await ws.callers.analyst.rule.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: `Rule ${++counter}`, triggers: ["*"] });
      await handle.db.insert(ruleChannels).values({ workspaceId: ws.workspace.id, ruleId: rule.id, channelId: channel.id });
      expect(await ws.callers.analyst.channel.delete(ref(channel.id))).toEqual({ id: channel.id });
      await expectTrpcError(ws.callers.analyst.channel.get(ref(channel.id)), "NOT_FOUND");
      expect(await handle.db.select().from(ruleChannels).where(eq(ruleChannels.ruleId, rule.id))).toEqual([]);
      expect((await ws.callers.analyst.rule.get({ workspaceSlug: ws.slug, ruleId: rule.id })).id).toBe(rule.id);
    });
  });

  describe("signing secrets", () => {
    it("rotate with a 24 h overlap: both are revealed, and a second rotation drops the oldest", async () => {
      const caller = ws.callers.analyst;
      const { channel, signingSecret: first } = await create(caller, { kind: "webhook", url: secretUrl() });
      expect(await caller.channel.revealSigningSecret(ref(channel.id))).toEqual({ signingSecret: first, previousSigningSecret: null, previousSigningSecretExpiresAt: null });

      const before = Date.now();
      const rotated = await caller.channel.rotateSigningSecret(ref(channel.id));
      expect(rotated.signingSecret).toMatch(/^whsec_/);
      expect(rotated.signingSecret).not.toBe(first);
      expect(rotated.previousSigningSecret).toBe(first);
      const expiresAt = rotated.previousSigningSecretExpiresAt!.getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(before + 24 * 3600_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
      expect(await caller.channel.revealSigningSecret(ref(channel.id))).toEqual(rotated);
      expect((await caller.channel.get(ref(channel.id))).previousSigningSecretExpiresAt).toEqual(rotated.previousSigningSecretExpiresAt);

      const again = await caller.channel.rotateSigningSecret(ref(channel.id));
      expect(again.previousSigningSecret).toBe(rotated.signingSecret);
      const revealed = await caller.channel.revealSigningSecret(ref(channel.id));
      expect(revealed).toEqual(again);
      expectNoSecret(revealed, [first!]);
      expectNoSecret(await storedText(channel.id), [first!, rotated.signingSecret, again.signingSecret]);

      // Once the overlap is over, only the current secret is shown.
      await handle.db.update(channels).set({ previousSigningSecretExpiresAt: new Date(Date.now() - 1000) }).where(eq(channels.id, channel.id));
      expect(await caller.channel.revealSigningSecret(ref(channel.id))).toEqual({ signingSecret: again.signingSecret, previousSigningSecret: null, previousSigningSecretExpiresAt: null });
      expect((await caller.channel.get(ref(channel.id))).previousSigningSecretExpiresAt).toBeNull();
    });

    it("exist for webhooks only", async () => {
      const { channel } = await create(ws.callers.analyst, { kind: "slack", url: secretUrl() });
      for (const call of [ws.callers.analyst.channel.revealSigningSecret, ws.callers.analyst.channel.rotateSigningSecret]) {
        const error = await expectTrpcError(call(ref(channel.id)), "BAD_REQUEST");
        expect(error.message).toBe("Only webhook channels have a signing secret");
      }
    });
  });

  describe("names and input", () => {
    it("are unique per owner and among shared channels, in any case, beside the name field", async () => {
      await create(ws.callers.analyst, { kind: "email", name: "Pager" });
      for (const [user, shared, message] of [
        [ws.users.analyst, false, "You already have a channel with this name"],
        [ws.users.admin, true, null],
        [ws.users.admin, true, "The workspace already has a shared channel with this name"],
      ] as const) {
        const before = await countRows(handle.db);
        const { status, error } = await mutateHttp(user, "channel.create", { kind: "email", name: " PAGER ", recipients: ["soc@example.test"], shared });
        if (message === null) {
          expect(status).toBe(200);
          continue;
        }
        expect(status).toBe(409);
        expect(error!.data.fieldErrors).toEqual({ name: [message] });
        expect(await countRows(handle.db)).toEqual(before);
      }
      // Another member's personal "Pager" does not collide.
      await create(ws.callers.viewer, { kind: "email", name: "pager" });
      const { channel } = await create(ws.callers.analyst, { kind: "email", name: "Pager 2" });
      const error = await expectTrpcError(update(ws.callers.analyst, { channelId: channel.id, name: "pager" }), "CONFLICT");
      expect(error.message).toBe("You already have a channel with this name");
    });

    it.each([
      ["an unknown kind", { kind: "sms", name: "Text" }, "kind", "Choose a channel kind: email, slack, teams, mattermost, discord, webhook"],
      ["no recipient", { kind: "email", recipients: [] }, "recipients", "Add at least one recipient"],
      ["21 recipients", { kind: "email", recipients: Array.from({ length: 21 }, (_, i) => `r${i}@example.test`) }, "recipients", "At most 20 recipients"],
      ["an invalid address", { kind: "email", recipients: ["soc@example.test", "not an address"] }, "recipients", "Enter a valid email address"],
      ["9 retries", { kind: "slack", url: `https://${PUBLIC_HOST}/x`, maxRetries: 9 }, "maxRetries", "At most 8 retries"],
      ["no URL", { kind: "discord" }, "url", "expected string"],
      ["basic authentication without a user name", { kind: "webhook", url: `https://${PUBLIC_HOST}/x`, auth: "basic", basicPassword: "pw" }, "basicUsername", "Enter the user name"],
      ["a user name with a colon", { kind: "webhook", url: `https://${PUBLIC_HOST}/x`, auth: "basic", basicUsername: "a:b", basicPassword: "pw" }, "basicUsername", "cannot contain a colon"],
      ["a token with a line break", { kind: "webhook", url: `https://${PUBLIC_HOST}/x`, auth: "bearer", bearerToken: "tok\r\nX-Evil: 1" }, "bearerToken", "line breaks"],
      ["an unknown authentication", { kind: "webhook", url: `https://${PUBLIC_HOST}/x`, auth: "digest" }, "auth", "Choose no authentication"],
      ["a name too long", { kind: "email", name: "x".repeat(81) }, "name", "at most 80 characters"],
    ])("refuses %s, naming the field, writing nothing", async (_label, input, field, message) => {
      const before = await countRows(handle.db);
      const { status, error } = await mutateHttp(ws.users.analyst, "channel.create", { name: "Bad", ...input });
      expect(status).toBe(400);
      expect(Object.keys(error!.data.fieldErrors!)).toEqual([field]);
      expect(error!.message).toContain(message);
      expect(await countRows(handle.db)).toEqual(before);
    });
  });

  describe("the webhook channel cap", () => {
    let capped: SeededWorkspace;
    beforeAll(async () => {
      capped = await seedWorkspace(handle.db, { slug: "channels-cap", mode: "single" });
    });

    async function countWebhookChannels() {
      const [row] = await handle.db
        .select({ n: count() })
        .from(channels)
        .where(and(eq(channels.workspaceId, capped.workspace.id), inArray(channels.kind, [...webhookChannelKinds])));
      return row!.n;
    }

    it("counts personal and shared webhook-type channels together, refuses one more with a clear error, and frees a slot on delete", async () => {
      await setCap(capped, 3);
      await create(capped.callers.analyst, { kind: "slack", url: secretUrl() }, capped);
      await create(capped.callers.admin, { kind: "discord", url: secretUrl(), shared: true }, capped);
      const { channel: third } = await create(capped.callers.viewer, { kind: "webhook", url: secretUrl() }, capped);
      // Email is no webhook: it does not count.
      await create(capped.callers.viewer, { kind: "email" }, capped);

      const before = await countRows(handle.db);
      for (const [caller, kind] of [
        [capped.callers.analyst, "teams"],
        [capped.callers.owner, "mattermost"],
      ] as const) {
        const error = await expectTrpcError(create(caller, { kind, url: secretUrl() }, capped), "CONFLICT");
        expect(error.message).toBe("This workspace has 3 of 3 webhook channels; delete one, or ask an admin to raise the limit in Settings");
      }
      expect(await countRows(handle.db)).toEqual(before);

      await capped.callers.viewer.channel.delete({ workspaceSlug: capped.slug, channelId: third.id });
      await create(capped.callers.analyst, { kind: "teams", url: secretUrl() }, capped);
      expect(await countWebhookChannels()).toBe(3);

      await setCap(capped, 0);
      const error = await expectTrpcError(create(capped.callers.owner, { kind: "webhook", url: secretUrl() }, capped), "CONFLICT");
      expect(error.message).toContain("Webhook channels are turned off in this workspace");
    });

    it("lets exactly one of several concurrent creates through at one below the cap", async () => {
      for (let round = 0; round < 3; round++) {
        const cap = (await countWebhookChannels()) + 1;
        await setCap(capped, cap);
        const results = await Promise.allSettled([
          create(capped.callers.analyst, { kind: "slack", url: secretUrl() }, capped),
          create(capped.callers.viewer, { kind: "webhook", url: secretUrl() }, capped),
          create(capped.callers.admin, { kind: "discord", url: secretUrl(), shared: true }, capped),
          create(capped.callers.owner, { kind: "teams", url: secretUrl() }, capped),
        ]);
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        for (const result of results.filter((r) => r.status === "rejected")) {
          expect(result.reason).toBeInstanceOf(TRPCError);
          expect((result.reason as TRPCError).code).toBe("CONFLICT");
        }
        expect(await countWebhookChannels()).toBe(cap);
      }
    });
  });
});
