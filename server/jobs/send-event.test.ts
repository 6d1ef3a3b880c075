import { afterEach, describe, expect, it, vi } from "vitest";
import { inngest, isInngestConfigured } from "./client";
import { InlineRunner, startInlineRunner, stopInlineRunner } from "./inline-runner";
import { sendJobEvent } from "./send-event";

const workspaceId = "0190f0e0-0000-7000-8000-000000000001";
const jobEvent = { name: "tocsin/events.ingested" as const, data: { workspaceId, eventIds: [workspaceId] } };

describe("sendJobEvent", () => {
  afterEach(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await stopInlineRunner();
  });

  it("uses Inngest only in server mode with Inngest configured", () => {
    vi.stubEnv("INNGEST_EVENT_KEY", "");
    vi.stubEnv("INNGEST_DEV", "");
    vi.stubEnv("INNGEST_BASE_URL", "");
    vi.stubEnv("DATABASE_URL", "");
    expect(isInngestConfigured()).toBe(false);
    vi.stubEnv("INNGEST_DEV", "1");
    expect(isInngestConfigured()).toBe(false); // embedded mode always runs jobs in-process
    vi.stubEnv("DATABASE_URL", "postgres://db/tocsin");
    expect(isInngestConfigured()).toBe(true);
    vi.stubEnv("INNGEST_DEV", "");
    expect(isInngestConfigured()).toBe(false);
    vi.stubEnv("INNGEST_EVENT_KEY", "key");
    expect(isInngestConfigured()).toBe(true);
    vi.stubEnv("INNGEST_EVENT_KEY", "");
    vi.stubEnv("INNGEST_BASE_URL", "http://inngest:8288");
    expect(isInngestConfigured()).toBe(true);
  });

  it("sends through the Inngest client when Inngest is configured", async () => {
    vi.stubEnv("DATABASE_URL", "postgres://db/tocsin");
    vi.stubEnv("INNGEST_EVENT_KEY", "key");
    const runner = startInlineRunner({ functions: [] });
    const inline = vi.spyOn(runner, "handOver");
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: ["evt-1"] });
    await expect(sendJobEvent(jobEvent)).resolves.toEqual({ ids: ["evt-1"] });
    expect(send).toHaveBeenCalledWith([jobEvent]);
    expect(inline).not.toHaveBeenCalled();
  });

  it("hands the events to the inline runner otherwise", async () => {
    vi.stubEnv("DATABASE_URL", "");
    const runner = startInlineRunner({ functions: [] });
    expect(runner).toBeInstanceOf(InlineRunner);
    const inline = vi.spyOn(runner, "handOver");
    const send = vi.spyOn(inngest, "send");
    const { ids } = await sendJobEvent([jobEvent, jobEvent]);
    expect(ids).toHaveLength(2);
    expect(inline).toHaveBeenCalledWith([jobEvent, jobEvent]);
    expect(send).not.toHaveBeenCalled();
    await expect(sendJobEvent([])).resolves.toEqual({ ids: [] });
  });
});
