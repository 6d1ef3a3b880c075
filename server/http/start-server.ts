// `npm start`: the production server. Next serves every page and API, except the public ingest
// URLs, which are answered here on Node's own request and response before Next's router sees
// them: that router costs several times the ingest work itself on every request (measured by
// `npm run bench:ingest`). The same handler serves those URLs under `next dev`, through the
// Pages API routes in pages/api/ingest/.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { getDb, getDbHandle } from "@/server/db/client";
import { reportException } from "@/server/exceptions/report-exception";
import { handleIngestNodeRequest } from "@/server/ingest/handle-ingest-node-request";
import { startIngestAdmission } from "@/server/ingest/ingest-admission";
import { fanOutRequestQueue } from "@/server/jobs/fan-out-request-queue";
import { stopInlineRunner } from "@/server/jobs/inline-runner";
import { withNodeRequestId } from "@/server/observability/log-context";
import { getLogger } from "@/server/observability/logger";
import { startTocsin } from "@/server/start";
import { ingestTargetOf } from "./ingest-path";

const port = Number(process.env.PORT ?? 3000);
// Unset: every interface, IPv4 and IPv6, as `next start` does.
const hostname = process.env.TOCSIN_HOST || undefined;
const log = getLogger("server");
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// Read now: a bad setting stops the start, not every ingest request.
const admission = startIngestAdmission();
log.info({ maxInFlight: admission.maxInFlight, maxLoopDelayMs: admission.loop?.maxDelayMs ?? null }, "ingest admission limits");

const app = next({ dev: false, dir: projectRoot, hostname, port });
const handleWithNext = app.getRequestHandler();
await app.prepare();
// Secret, migrations, job runner: before the first request is taken (instrumentation.ts asks for
// the same start, and gets this one).
await startTocsin();

// Every request gets an id (the caller's X-Request-Id, or a new one): echoed in the answer and
// carried by every log line written while handling it, in Next's routes as in the ingest handler.
const server = createServer((request, response) =>
  withNodeRequestId(request, response, () => {
    const target = ingestTargetOf(request.url);
    if (!target) return void handleWithNext(request, response);
    handleIngestNodeRequest(getDb(), request, response, target, { fanOut: "queued" }).catch(async (error: unknown) => {
      // The handler answers every failure itself; this is a broken socket or a bug: reported first.
      await reportException(getDb(), error, { origin: "POST /api/ingest (outside the handler)" });
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json", connection: "close" });
      response.end(JSON.stringify({ error: { code: "internal_error", message: "The request failed; retry later", details: null } }));
    });
  }),
);
// Longer than the usual load balancer idle timeout, so the balancer closes idle connections first.
server.keepAliveTimeout = 65_000;
// A burst of new connections waits in the kernel's accept queue instead of being dropped (Node's
// default 511), which would cost the client a SYN retransmission (1 s, then 3 s…) before even a 429;
// the kernel caps it at net.core.somaxconn.
const LISTEN_BACKLOG = 4096;
server.listen({ port, host: hostname, backlog: LISTEN_BACKLOG }, () => log.info({ port, hostname: hostname ?? null }, `listening on http://${hostname ?? "localhost"}:${port}`));

/** How long a stopping server waits for the job runs executing in it. */
const RUNNER_STOP_GRACE_MS = 20_000;
let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, `${signal}: closing`);
  server.close();
  server.closeIdleConnections();
  // Ids waiting for their fan-out request: hand them over now (the sweeper would, a minute later).
  await fanOutRequestQueue.flush().catch(() => {});
  // Runs executing now may finish (a delivery attempt is cut at 15 s; orchestrators usually allow
  // 30 s); waiting and sleeping runs are dropped, and the sweepers find their work again.
  await Promise.race([stopInlineRunner().catch(() => {}), new Promise((resolve) => setTimeout(resolve, RUNNER_STOP_GRACE_MS).unref())]);
  // PGlite writes its files cleanly only when closed.
  await getDbHandle()
    .close()
    .catch(() => {});
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
