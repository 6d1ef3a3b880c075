// The in-process load generator: N keep-alive clients on loopback, each posting in a loop for
// a warm-up and then a fixed measured window. Every request is bounded by a timeout.
import { Agent, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";

export type LoadOptions = {
  url: string; // http://127.0.0.1:PORT/api/ingest/<sourceId>
  token: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  eventsPerRequest: number;
  label: string; // makes externalIds unique across phases
};

export type LoadResult = {
  requests: number;
  events: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  errorSamples: string[];
};

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_ERROR_SAMPLES = 5;

function eventBody(externalId: string, n: number) {
  return {
    type: "alert.created",
    severity: "high",
    title: `Brute force on vpn-${n % 7}`,
    message: "12 failed logins in 60 s from one address",
    occurredAt: new Date().toISOString(),
    externalId,
    actor: "alice@example.com",
    clientIp: "203.0.113.7",
    data: { host: `vpn-${n % 7}`, attempts: 12, rule: "bruteforce" },
  };
}

function post(agent: Agent, url: URL, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      {
        method: "POST",
        agent,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (error) => resolve({ status: 0, text: `response error: ${error.message}` }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", (error) => resolve({ status: 0, text: `request error: ${error.message}` }));
    req.end(body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") throw new Error("bench: loopback only");
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let events = 0;
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  let lastEnd = measureFrom;

  async function client(id: number) {
    for (let i = 0; ; i++) {
      const sent = performance.now();
      if (sent >= stopAt) return;
      const prefix = `${options.label}-${id}-${i}`;
      const body =
        options.eventsPerRequest === 1
          ? JSON.stringify(eventBody(prefix, i))
          : JSON.stringify(Array.from({ length: options.eventsPerRequest }, (_, k) => eventBody(`${prefix}-${k}`, i + k)));
      const { status, text } = await post(agent, url, options.token, body);
      const ended = performance.now();
      if (sent < measureFrom) continue; // warm-up
      latencies.push(ended - sent);
      lastEnd = Math.max(lastEnd, ended);
      if (status === 202) events += options.eventsPerRequest;
      else {
        errors++;
        if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(`${status} ${text.slice(0, 500)}`);
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, id) => client(id)));
  } finally {
    agent.destroy();
  }
  const seconds = (lastEnd - measureFrom) / 1000;
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!);
  const ok = latencies.length - errors;
  return {
    requests: latencies.length,
    events,
    errors,
    seconds,
    // Throughput counts accepted (202) requests only; errors are reported separately.
    requestsPerSecond: seconds > 0 ? ok / seconds : 0,
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    p50Ms: pick(0.5),
    p90Ms: pick(0.9),
    p99Ms: pick(0.99),
    maxMs: latencies.at(-1) ?? NaN,
    errorSamples,
  };
}

export type OpenLoadOptions = {
  url: string;
  token: string;
  /** Requests started per second, whatever the answers: an open loop, as independent senders would. */
  ratePerSecond: number;
  durationMs: number;
  label: string;
  /** Sockets at most (each answer then waits for a free one, timed from when it was due). */
  maxSockets: number;
};

/** Every request of an open-loop run: one event each, its externalId, the answer and the time to it. */
export type OpenLoadRequest = { externalId: string; status: number; latencyMs: number; issuedLateMs: number };

export type OpenLoadResult = { offered: number; seconds: number; requests: OpenLoadRequest[]; errorSamples: string[] };

/**
 * A minimal keep-alive HTTP/1.1 client for the open loop: requests written as prepared bytes,
 * answers read by status line and Content-Length (both servers always send one). The generator
 * shares the machine's CPUs with the server it measures, so it should cost as little as it can:
 * a fraction of node:http's client per request.
 */
class RawClient {
  private readonly free: Socket[] = [];
  private readonly waiting: (() => void)[] = [];
  private open = 0;

  constructor(
    private readonly url: URL,
    private readonly maxSockets: number,
  ) {}

  post(head: string, body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve) => {
      const run = () => this.exchange(Buffer.from(head + body), resolve);
      if (this.free.length > 0 || this.open < this.maxSockets) run();
      else this.waiting.push(run);
    });
  }

  close() {
    for (const socket of this.free) socket.destroy();
    this.free.length = 0;
  }

  private exchange(request: Buffer, resolve: (answer: { status: number; text: string }) => void) {
    let socket = this.free.pop();
    if (!socket) {
      this.open++;
      socket = connect({ host: this.url.hostname, port: Number(this.url.port) });
      socket.setNoDelay(true);
      socket.setTimeout(REQUEST_TIMEOUT_MS);
      const created = socket;
      // Idle in the pool: an error or the server's idle close only takes it out.
      created.on("error", () => {});
      created.on("close", () => {
        const index = this.free.indexOf(created);
        if (index === -1) return;
        this.free.splice(index, 1);
        this.open--;
      });
    }
    const current = socket;
    let buffer: Buffer = Buffer.alloc(0);
    const done = (status: number, text: string, reusable: boolean) => {
      current.off("data", onData).off("error", onError).off("close", onClose).off("timeout", onTimeout);
      if (reusable) this.free.push(current);
      else {
        this.open--;
        current.destroy();
      }
      resolve({ status, text });
      this.waiting.shift()?.();
    };
    const onData = (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end === -1) return;
      const head = buffer.subarray(0, end).toString("latin1");
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      const status = Number(head.slice(9, 12));
      done(status, buffer.subarray(end + 4, end + 4 + length).toString("utf8"), !/\r\nconnection:\s*close/i.test(head));
    };
    const onError = (error: Error) => done(0, `request error: ${error.message}`, false);
    const onClose = () => done(0, "request error: connection closed before the answer", false);
    const onTimeout = () => done(0, `request error: timed out after ${REQUEST_TIMEOUT_MS} ms`, false);
    current.on("data", onData).once("error", onError).once("close", onClose).once("timeout", onTimeout);
    current.write(request);
  }
}

/**
 * Starts `ratePerSecond` single-event requests a second for `durationMs`, not waiting for earlier
 * answers, and waits for all of them. Latency runs from when each request was due, not when it
 * got a socket, so a server that falls behind shows it (no coordinated omission).
 */
export async function runOpenLoad(options: OpenLoadOptions): Promise<OpenLoadResult> {
  const url = new URL(options.url);
  if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") throw new Error("bench: loopback only");
  const client = new RawClient(url, options.maxSockets);
  const headPrefix = `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${options.token}\r\nContent-Type: application/json\r\n`;
  const requests: OpenLoadRequest[] = [];
  const errorSamples: string[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const intervalMs = 1000 / options.ratePerSecond;
  let started = 0;
  try {
    while (performance.now() - start < options.durationMs) {
      const due = Math.min(Math.floor((performance.now() - start) / intervalMs) + 1, Math.ceil(options.durationMs / intervalMs));
      for (; started < due; started++) {
        const dueAt = start + started * intervalMs;
        const externalId = `${options.label}-${started}`;
        const body = JSON.stringify(eventBody(externalId, started));
        // How far behind the schedule this generator itself is (its own CPU share, not the server's answer).
        const issuedLateMs = performance.now() - dueAt;
        pending.push(
          client.post(`${headPrefix}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`, body).then(({ status, text }) => {
            requests.push({ externalId, status, latencyMs: performance.now() - dueAt, issuedLateMs });
            if (status !== 202 && status !== 429 && errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(`${status} ${text.slice(0, 300)}`);
          }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(pending);
  } finally {
    client.close();
  }
  return { offered: started, seconds: options.durationMs / 1000, requests, errorSamples };
}
