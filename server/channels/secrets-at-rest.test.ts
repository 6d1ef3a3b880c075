import { execFileSync } from "node:child_process";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { deliveries, workspaces } from "@/server/db/schema";
import { insertEvents } from "@/server/events/test-events";
import { deliverNotification } from "@/server/jobs/functions/deliver-notification";
import { fanOutIngestedEvents } from "@/server/jobs/functions/fan-out-events";
import { InlineRunner } from "@/server/jobs/inline-runner";
import { setJobClock } from "@/server/jobs/job-clock";
import { createJobsTestDatabase, ManualClock } from "@/server/jobs/test-helpers";
import { startTestReceiver, type TestReceiver } from "./test-receiver";

// "A database dump and the logs of a full run contain no channel secret in clear": channels of
// every kind with recognisable secrets, a run that delivers, retries, fails, is refused, switches
// a channel off, tests, rotates and reveals — then every table dumped and every line logged is
// searched for each secret.

describe("channel secrets at rest and in logs", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let receiver: TestReceiver;
  const logged: string[] = [];
  const secrets: string[] = [];

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "secrets", mode: "single" });
    await handle.db.update(workspaces).set({ webhookChannelCap: 50 }).where(eq(workspaces.id, ws.workspace.id));
    receiver = await startTestReceiver();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    setJobClock(undefined);
    await receiver.close();
    await handle.close();
  });

  /** Everything written to stdout, stderr and the console from here on. */
  function captureLogs() {
    const keep = (chunk: unknown) => logged.push(typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk));
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        keep(chunk);
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write);
    }
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      const original = console[level].bind(console);
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        keep(args.map((arg) => (arg instanceof Error ? `${arg.message}\n${arg.stack}` : typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
        original(...args);
      });
    }
  }

  /** Every row of every table, as text: a logical dump of the whole database. */
  async function dumpDatabase(): Promise<string> {
    const tables = await executeRows<{ schema: string; name: string }>(
      handle.db,
      sql`select table_schema as schema, table_name as name from information_schema.tables
          where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["channels", "deliveries", "delivery_attempts", "events", "mail_outbox"]));
    const parts: string[] = [];
    for (const table of tables) {
      const [row] = await executeRows<{ dump: string | null }>(handle.db, sql.raw(`select string_agg(t::text, E'\\n') as dump from "${table.schema}"."${table.name}" t`));
      parts.push(`-- ${table.schema}.${table.name}\n${row?.dump ?? ""}`);
    }
    // The files themselves too: PGlite's data directory, or pg_dump's output on PostgreSQL.
    if (handle.kind === "pglite") parts.push(Buffer.from(await (await handle.client.dumpDataDir("none")).arrayBuffer()).toString("latin1"));
    else parts.push(execFileSync("pg_dump", ["--no-owner", "--data-only", handle.url], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 }));
    return parts.join("\n");
  }

  it("keeps no secret in clear in the database or the logs after a full run", async () => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.1/32");
    vi.stubEnv("RESEND_API_KEY", "");
    captureLogs();
    const clock = new ManualClock(Date.now());
    setJobClock(clock);
    const runner = new InlineRunner({ functions: [fanOutIngestedEvents, deliverNotification], clock, logger: console });

    const base = receiver.url;
    const urls = {
      slack: `${base}/services/T0SLACKSECRET/B0SLACKSECRET/slackPathSecret4242`,
      teams: `${base}/workflows/teamsPathSecret7777/triggers/manual/paths/invoke?sig=teamsQuerySecret8888`,
      mattermost: `${base}/hooks/mattermostPathSecret1111`,
      discord: `${base}/api/webhooks/1234/discordPathSecret2222`,
      bearer: `${base}/soar/bearerHookPathSecret3333`,
      basic: `${base}/siem/basicHookPathSecret5555`,
    };
    const bearerToken = "bearerTokenSecret9f8e7d6c5b4a";
    const basicPassword = "basicPasswordSecret0a1b2c3d";
    const pathSecrets = ["slackPathSecret4242", "teamsPathSecret7777", "teamsQuerySecret8888", "mattermostPathSecret1111", "discordPathSecret2222", "bearerHookPathSecret3333", "basicHookPathSecret5555"];
    secrets.push(...Object.values(urls), ...pathSecrets, bearerToken, basicPassword, Buffer.from(`soar:${basicPassword}`).toString("base64"));

    const caller = ws.callers.admin;
    const workspaceSlug = ws.slug;
    const channelIds: string[] = [];
    for (const kind of ["slack", "teams", "mattermost", "discord"] as const) {
      channelIds.push((await caller.channel.create({ workspaceSlug, kind, name: `${kind} channel`, url: urls[kind], shared: true, maxRetries: 1 })).channel.id);
    }
    const bearer = await caller.channel.create({ workspaceSlug, kind: "webhook", name: "SOAR", url: urls.bearer, auth: "bearer", bearerToken, shared: true, maxRetries: 1 });
    const basic = await caller.channel.create({ workspaceSlug, kind: "webhook", name: "SIEM", url: urls.basic, auth: "basic", basicUsername: "soar", basicPassword, shared: true, maxRetries: 1 });
    channelIds.push(bearer.channel.id, basic.channel.id);
    secrets.push(bearer.signingSecret!, basic.signingSecret!);
    const rotated = await caller.channel.rotateSigningSecret({ workspaceSlug, channelId: bearer.channel.id });
    secrets.push(rotated.signingSecret);
    await caller.channel.revealSigningSecret({ workspaceSlug, channelId: basic.channel.id });
    // A refused change: its error names the host only.
    await expect(caller.channel.update({ workspaceSlug, channelId: channelIds[0]!, url: "http://10.0.0.9/services/refusedPathSecret6666" })).rejects.toThrow(/10\.0\.0\.9/);
    secrets.push("refusedPathSecret6666");

    await caller.rule.create({ workspaceSlug, kind: "shared", name: "Everything", triggers: ["*"], recipientRoles: ["admin"], notifyInApp: false, channelIds });
    // Some deliveries go through, some are retried, some meet 410 and switch their channel off, some are reset.
    receiver.reply = (request, index) => {
      if (request.path.includes("discordPathSecret")) return { status: 410 };
      if (request.path.includes("mattermostPathSecret")) return { reset: true };
      return index % 3 === 0 ? { status: 500, body: `error for ${request.path}` } : { status: 200 };
    };
    const eventIds = await insertEvents(handle.db, ws.workspace.id, ws.sources[0]!, [
      { type: "alert.created", severity: "critical", title: "First" },
      { type: "alert.created", severity: "high", title: "Second" },
    ]);
    runner.send({ name: "tocsin/events.ingested", data: { workspaceId: ws.workspace.id, eventIds } });
    await runner.quiet();
    for (let wait = clock.nextTimerIn(); wait !== undefined; wait = clock.nextTimerIn()) {
      clock.advance(wait);
      await runner.quiet();
    }
    for (const channelId of channelIds) await caller.channel.sendTest({ workspaceSlug, channelId }).catch(() => {});
    await runner.stop();

    const statuses = (await handle.db.select({ status: deliveries.status }).from(deliveries)).map((d) => d.status);
    expect(new Set(statuses)).toEqual(new Set(["delivered", "failed"]));
    expect(receiver.requests.length).toBeGreaterThan(10);
    // The receiver did get the secrets (so the run used them), but nothing kept or logged them.
    expect(receiver.requests.some((r) => r.headers.authorization === `Bearer ${bearerToken}`)).toBe(true);

    const dump = await dumpDatabase();
    const log = logged.join("\n");
    expect(log.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(dump.includes(secret), `the database dump holds ${secret}`).toBe(false);
      expect(log.includes(secret), `the logs hold ${secret}`).toBe(false);
    }
  });
});
