// Run by bench/overload.ts as a process of its own, so that its timings do not wait on the load
// generator's event loop: posts an oversize body every BENCH_PROBE_EVERY_MS to BENCH_PROBE_URL for
// BENCH_PROBE_MS — one announced by Content-Length (MAX_BODY_BYTES + 1, then sent), one chunked
// without end, in turn, each on a connection of its own, opened first with a GET — and prints
// each one's kind, status, time from its first byte to the answer and the connection's first
// answer time, as JSON on stdout.
import { Agent, request as httpRequest } from "node:http";
import { MAX_BODY_BYTES } from "@/server/ingest/read-body";

export type OversizeKind = "announced" | "chunked";
/** `ms`: from the oversize request's first byte to its answer, on an open connection; `connectMs`: the new connection's first answer. */
export type OversizeProbe = { kind: OversizeKind; status: number; ms: number; atMs: number; connectMs: number; error: string | null };

const TIMEOUT_MS = 10_000;

/**
 * A GET on a new keep-alive connection (answered 405): how long a new connection takes to be
 * served, and the connection the oversize body is then sent on.
 */
function openConnection(url: string, agent: Agent): Promise<{ ms: number; error: string | null }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = httpRequest(url, { method: "GET", agent, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.on("end", () => resolve({ ms: performance.now() - started, error: null }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on("error", (error) => resolve({ ms: performance.now() - started, error: error.message }));
    req.end();
  });
}

async function probe(url: string, token: string, kind: OversizeKind): Promise<OversizeProbe> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const atMs = performance.now() - probingSince;
    const connection = await openConnection(url, agent);
    if (connection.error) return { kind, status: 0, ms: NaN, atMs, connectMs: connection.ms, error: `opening a connection: ${connection.error}` };
    return { ...(await sendOversize(url, token, kind, agent)), atMs, connectMs: connection.ms };
  } finally {
    agent.destroy();
  }
}

function sendOversize(url: string, token: string, kind: OversizeKind, agent: Agent): Promise<Omit<OversizeProbe, "atMs" | "connectMs">> {
  return new Promise((resolve) => {
    const started = performance.now();
    let done = false;
    const finish = (status: number, error: string | null = null) => {
      if (done) return;
      done = true;
      resolve({ kind, status, ms: performance.now() - started, error });
      req.destroy();
    };
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    if (kind === "announced") headers["content-length"] = MAX_BODY_BYTES + 1;
    const req = httpRequest(url, { method: "POST", agent, headers, timeout: TIMEOUT_MS }, (res) => {
      finish(res.statusCode ?? 0);
      res.resume();
    });
    req.on("timeout", () => finish(0, `no answer in ${TIMEOUT_MS} ms`));
    req.on("error", (error) => finish(0, error.message));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (!done) {
        if (kind === "announced" && sent >= MAX_BODY_BYTES + 1) return;
        const part = kind === "announced" ? chunk.subarray(0, Math.min(chunk.length, MAX_BODY_BYTES + 1 - sent)) : chunk;
        sent += part.length;
        if (!req.write(part)) return void req.once("drain", pump);
      }
    };
    req.flushHeaders();
    pump();
  });
}

const url = process.env.BENCH_PROBE_URL;
const token = process.env.BENCH_PROBE_TOKEN ?? "";
const durationMs = Number(process.env.BENCH_PROBE_MS);
const everyMs = Number(process.env.BENCH_PROBE_EVERY_MS ?? 100);
if (!url || !Number.isFinite(durationMs) || !Number.isFinite(everyMs)) throw new Error("Set BENCH_PROBE_URL, BENCH_PROBE_TOKEN, BENCH_PROBE_MS");
const probes: Promise<OversizeProbe>[] = [];
const probingSince = performance.now();
let n = 0;
const timer = setInterval(() => probes.push(probe(url, token, n++ % 2 === 0 ? "announced" : "chunked")), everyMs);
setTimeout(() => {
  clearInterval(timer);
  void Promise.all(probes).then((results) => {
    process.stdout.write(JSON.stringify(results));
    process.exit(0);
  });
}, durationMs);
