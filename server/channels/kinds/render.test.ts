// Golden-file tests of every channel kind's renderer. After an intended change of the output,
// rewrite the golden files with `UPDATE_GOLDEN=1 npx vitest run server/channels/kinds` and review
// the diff of server/channels/kinds/golden/ like any other change.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { deliveryChannelKinds, type DeliveryChannelKind } from "@/server/db/schema";
import type { NotificationMessage, RenderedEmail, RenderedHttpPayload, RenderedPayload } from "../notification-message";
import { countEmbedText, discordLimits } from "./discord";
import { channelKindModules } from "./index";
import { mattermostTextLimit } from "./mattermost";
import { teamsLimitBytes } from "./teams";
import { fixedNow, renderCases, type RenderCase } from "./test-messages";
import { webhookLimitBytes, webhookNotificationSchema } from "./webhook";

const goldenDir = path.join(import.meta.dirname, "golden");
const truncationText = "truncated — full event in Tocsin:";

async function expectGolden(name: string, actual: string): Promise<void> {
  const file = path.join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN) {
    await writeFile(file, actual);
    return;
  }
  const expected = await readFile(file, "utf8").catch(() => null);
  if (expected === null) expect.fail(`golden file ${name} is missing: run UPDATE_GOLDEN=1 npx vitest run server/channels/kinds`);
  expect(actual, `differs from golden/${name}`).toBe(expected);
}

function collectStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) value.forEach((item) => collectStrings(item, into));
  else if (value && typeof value === "object") Object.values(value).forEach((item) => collectStrings(item, into));
  return into;
}

/** A high surrogate not followed by a low one, or a low one without its high one. */
function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

// A mention is `@word` at the start of a word; neutralised ones have a zero-width joiner after the @.
const liveMention = /(^|[^\p{L}\p{N}_])@(everyone|here|channel|all)\b/u;
const slackControl = /<[!@#]/;
const markdownLink = /\][([:]/;

type Rendering = { message: NotificationMessage; rendered: RenderedPayload };

function asHttp(rendered: RenderedPayload): { payload: RenderedHttpPayload; body: Record<string, unknown> } {
  expect(rendered.kind).toBe("http");
  const payload = rendered as RenderedHttpPayload;
  expect(payload.bytes).toBe(Buffer.byteLength(payload.body));
  return { payload, body: JSON.parse(payload.body) as Record<string, unknown> };
}

/** When something was cut, the reader is told where the rest is. */
function expectMarkerWhenTruncated(text: string, { message, rendered }: Rendering): void {
  if (!rendered.truncated) return;
  expect(text).toContain(truncationText);
  expect(text).toContain(message.links.event);
}

function expectNoLiveMarkup(strings: string[], options: { mentions: boolean; links: boolean }): void {
  for (const text of strings) {
    expect(hasLoneSurrogate(text), `lone surrogate in ${JSON.stringify(text.slice(0, 80))}`).toBe(false);
    if (options.mentions) expect(text).not.toMatch(liveMention);
    if (options.links) expect(text).not.toMatch(markdownLink);
  }
}

type Block = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text?: string }[] };

const invariants: Record<DeliveryChannelKind, (rendering: Rendering) => void> = {
  slack(rendering) {
    const { body } = asHttp(rendering.rendered);
    const blocks = body.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const block of blocks) {
      if (block.type === "header") expect(block.text!.text.length).toBeLessThanOrEqual(150);
      if (block.type === "section" && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      if (block.fields) {
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(2000);
      }
    }
    expect(typeof body.text).toBe("string");
    const strings = collectStrings(body);
    for (const text of strings) expect(text).not.toMatch(slackControl);
    expectNoLiveMarkup(strings, { mentions: false, links: false });
    expectMarkerWhenTruncated(rendering.rendered.kind === "http" ? rendering.rendered.body : "", rendering);
  },
  teams(rendering) {
    const { payload, body } = asHttp(rendering.rendered);
    expect(payload.bytes).toBeLessThanOrEqual(teamsLimitBytes);
    expect(payload.limitBytes).toBe(teamsLimitBytes);
    const [attachment] = body.attachments as { contentType: string; contentUrl: null; content: Record<string, unknown> }[];
    expect(body.type).toBe("message");
    expect(attachment).toMatchObject({ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: { type: "AdaptiveCard", version: "1.4" } });
    expect(attachment!.content.actions).toEqual([{ type: "Action.OpenUrl", title: "Open in Tocsin", url: rendering.message.links.event }]);
    const strings = collectStrings(attachment!.content.body);
    expectNoLiveMarkup(strings, { mentions: false, links: true });
    for (const text of strings) expect(text).not.toMatch(/<at>/i);
    expectMarkerWhenTruncated(payload.body, rendering);
  },
  mattermost(rendering) {
    const { payload, body } = asHttp(rendering.rendered);
    const strings = collectStrings(body);
    const [attachment] = body.attachments as { title_link: string; color: string }[];
    expect(attachment!.title_link).toBe(rendering.message.links.event);
    const counted = strings.filter((text) => text !== attachment!.title_link && text !== attachment!.color).reduce((sum, text) => sum + text.length, 0);
    expect(counted).toBeLessThanOrEqual(mattermostTextLimit);
    expectNoLiveMarkup(strings, { mentions: true, links: true });
    expectMarkerWhenTruncated(payload.body, rendering);
  },
  discord(rendering) {
    const { payload, body } = asHttp(rendering.rendered);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect((body.content as string).length).toBeLessThanOrEqual(discordLimits.content);
    const [embed] = body.embeds as Parameters<typeof countEmbedText>[0][];
    expect(embed!.url).toBe(rendering.message.links.event);
    expect(embed!.title.length).toBeLessThanOrEqual(discordLimits.title);
    expect(embed!.description?.length ?? 0).toBeLessThanOrEqual(discordLimits.description);
    expect(embed!.fields.length).toBeLessThanOrEqual(discordLimits.fields);
    for (const field of embed!.fields) {
      expect(field.name.length).toBeGreaterThan(0);
      expect(field.name.length).toBeLessThanOrEqual(discordLimits.fieldName);
      expect(field.value.length).toBeGreaterThan(0);
      expect(field.value.length).toBeLessThanOrEqual(discordLimits.fieldValue);
    }
    expect(embed!.footer.text.length).toBeLessThanOrEqual(discordLimits.footer);
    expect(countEmbedText(embed!)).toBeLessThanOrEqual(discordLimits.embedTotal);
    const strings = collectStrings(body);
    expectNoLiveMarkup(strings, { mentions: true, links: true });
    for (const text of strings) expect(text).not.toMatch(/<@[&!]?\d/);
    expectMarkerWhenTruncated(payload.body, rendering);
  },
  webhook(rendering) {
    const { payload, body } = asHttp(rendering.rendered);
    expect(payload.bytes).toBeLessThanOrEqual(webhookLimitBytes);
    const parsed = webhookNotificationSchema.parse(body);
    expect(parsed.truncated).toBe(rendering.rendered.truncated);
    expect(parsed.links.event).toBe(rendering.message.links.event);
    expect(parsed.id).toBe(rendering.message.messageId);
    expectNoLiveMarkup(collectStrings(body), { mentions: false, links: false });
  },
  email(rendering) {
    const email = rendering.rendered as RenderedEmail;
    expect(email.kind).toBe("email");
    expect(email.subject.length).toBeLessThanOrEqual(200);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.bytes).toBe(Buffer.byteLength(email.html) + Buffer.byteLength(email.text));
    expect(email.html).not.toMatch(/<script|<img src=x/i);
    expect(email.html).toContain(rendering.message.links.event);
    expect(email.html).toContain(rendering.message.links.inbox);
    expectNoLiveMarkup([email.subject, email.html, email.text], { mentions: false, links: false });
    expectMarkerWhenTruncated(email.text, rendering);
    expectMarkerWhenTruncated(email.html, rendering);
  },
};

function serialiseForGolden(kind: DeliveryChannelKind, caseName: RenderCase, rendered: RenderedPayload): [string, string][] {
  if (rendered.kind === "email") {
    return [
      [`${kind}-${caseName}.html`, rendered.html],
      [`${kind}-${caseName}.txt`, `Subject: ${rendered.subject}\n\n${rendered.text}\n`],
    ];
  }
  const { body, ...meta } = rendered;
  return [[`${kind}-${caseName}.json`, `${JSON.stringify({ ...meta, body: JSON.parse(body) }, null, 2)}\n`]];
}

// The webhook body carries its render time: the clock is fixed (only Date; timers run).
beforeAll(() => {
  vi.useFakeTimers({ now: fixedNow, toFake: ["Date"] });
});
afterAll(() => {
  vi.useRealTimers();
});

describe.each(deliveryChannelKinds)("%s renderer", (kind) => {
  const kindModule = channelKindModules[kind];

  it.each(Object.keys(renderCases) as RenderCase[])("renders %s as its golden file, within the limits", async (caseName) => {
    const message = renderCases[caseName]();
    const rendered = await kindModule.render(message);
    invariants[kind]({ message, rendered });
    for (const [file, text] of serialiseForGolden(kind, caseName, rendered)) await expectGolden(file, text);
  });

  it("shows severity, type, title, actor, IP, source, community, time and rule, with the link", async () => {
    const message = renderCases["login-failed"]();
    const rendered = await kindModule.render(message);
    const text = rendered.kind === "email" ? rendered.html : rendered.body;
    for (const expected of [kind === "webhook" ? '"severity":"medium"' : "MEDIUM", "Login failed", message.event.title, "jdoe", "203.0.113.77", "authentik production", "Globex Corp", message.event.occurredAt, "Failed logins on SSO", message.links.event]) {
      expect(text).toContain(expected);
    }
    expect(rendered.truncated).toBe(false);
  });

  it("cuts an over-long event to fit, and says so", async () => {
    const rendered = await kindModule.render(renderCases["long-violation"]());
    // The webhook's 256 KiB hold the whole of it.
    expect(rendered.truncated).toBe(kind !== "webhook");
  });

  it("says visibly that a send test is a test, and hides the single-mode community", async () => {
    const message = renderCases["send-test"]();
    const rendered = await kindModule.render(message);
    const text = rendered.kind === "email" ? `${rendered.subject}\n${rendered.text}` : rendered.body;
    expect(text).toMatch(kind === "webhook" ? /"test":true/ : /Test notification|\[TEST\]/);
    if (kind !== "webhook") expect(text).not.toContain("Community");
  });

  it("shows how many similar matches the rule's throttle suppressed", async () => {
    const rendered = await kindModule.render(renderCases["system-event"]());
    const text = rendered.kind === "email" ? rendered.text : rendered.body;
    expect(text).toContain(kind === "webhook" ? '"suppressed":7' : "+7 similar suppressed since the last notification");
  });

  it("renders a digest as one message: what was held and why, the first events, a count of the rest, a link to the inbox", async () => {
    const message = renderCases["digest"]();
    const rendered = await kindModule.render(message);
    const text = rendered.kind === "email" ? `${rendered.subject}\n${rendered.text}` : rendered.body;
    expect(text).toContain("Digest of “Failed logins, every 5 minutes”: 60 matches");
    expect(text).toContain("Failed login for user0@globex.example");
    expect(text).toContain(message.links.inbox);
    if (kind === "webhook") {
      const body = JSON.parse(rendered.kind === "http" ? rendered.body : "{}") as { summary: { reason: string; count: number; events: unknown[] } };
      expect(body.summary).toMatchObject({ reason: "digest", count: 60 });
      expect(body.summary.events).toHaveLength(50);
    }
  });

  it("holds its limits however big every field is", async () => {
    const message = renderCases["injection"]();
    const huge = (seed: string) => `${seed} 🚨 <!here> @everyone [x](http://evil.example) `.repeat(4_000);
    Object.assign(message.event, { title: huge("title"), message: huge("message"), actor: huge("actor"), sourceName: huge("source"), typeLabel: huge("label") });
    message.event.data = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [huge(`key${i}`).slice(0, 2_000), huge(`value${i}`).slice(0, 5_000)]));
    message.workspace = { ...message.workspace, name: huge("workspace") };
    message.community = { id: message.community!.id, name: huge("community") };
    message.rule = { id: message.rule!.id, name: huge("rule") };
    const rendered = await kindModule.render(message);
    expect(rendered.truncated).toBe(true);
    invariants[kind]({ message, rendered });
  });
});
