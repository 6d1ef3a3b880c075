// The webhook receiver of `npm run bench:delivery`, forked by bench/delivery-receiver-control.ts
// (argument: the address to listen on). It records every request — channel (from the path),
// webhook-id, the body's ids, arrival time — and answers 200, or fails as its behaviour says:
// 500, 503 with Retry-After, a reset connection, a slow 500, or no answer at all (the sender's
// timeout ends it). Signatures are verified with the independent `standardwebhooks` package when
// the records are collected, off the measured path.
import http from "node:http";
import type { Socket } from "node:net";
import { Webhook } from "standardwebhooks";
import { alwaysOk, failureKinds, type Answer, type ReceivedRecord, type ReceiverBehaviour, type ReceiverCommand, type ReceiverReport } from "./delivery-receiver-control";

type Received = ReceivedRecord & { body: string; timestamp: string; signature: string };

let behaviour: ReceiverBehaviour = alwaysOk;
let random = seededRandom(behaviour.seed);
let received: Received[] = [];
const failuresByMessage = new Map<string, number>();
const verifiers = new Map<number, Webhook>();

/** mulberry32: small, fast, and the same sequence for the same seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chooseAnswer(webhookId: string): Answer {
  const failures = failuresByMessage.get(webhookId) ?? 0;
  if (failures >= behaviour.maxFailuresPerMessage || random() >= behaviour.failureRate) return "ok";
  failuresByMessage.set(webhookId, failures + 1);
  const total = failureKinds.reduce((sum, kind) => sum + behaviour.mix[kind], 0);
  let pick = random() * total;
  for (const kind of failureKinds) {
    pick -= behaviour.mix[kind];
    if (pick < 0) return kind;
  }
  return "status_500";
}

function answer(kind: Answer, request: http.IncomingMessage, response: http.ServerResponse) {
  switch (kind) {
    case "ok":
      return response.writeHead(200, { "content-length": "0" }).end();
    case "status_500":
      return response.writeHead(500, { "content-length": "0" }).end();
    case "status_503":
      return response.writeHead(503, { "retry-after": String(behaviour.retryAfterSeconds), "content-length": "0" }).end();
    case "reset":
      return request.socket.resetAndDestroy();
    case "slow_500":
      return setTimeout(() => response.writeHead(500, { "content-length": "0" }).end(), behaviour.slowMs);
    case "hang":
      return; // the sender gives up and closes the socket
  }
}

const header = (request: http.IncomingMessage, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : (value ?? "");
};

function readIds(body: string): { bodyId: string | null; eventId: string | null } {
  try {
    const parsed = JSON.parse(body) as { id?: unknown; event?: { id?: unknown } };
    return { bodyId: typeof parsed.id === "string" ? parsed.id : null, eventId: typeof parsed.event?.id === "string" ? parsed.event.id : null };
  } catch {
    return { bodyId: null, eventId: null };
  }
}

function verifySignature({ channel, webhookId, timestamp, body, signature }: Received): boolean | null {
  const verifier = verifiers.get(channel);
  if (!verifier) return null;
  // sign() rather than verify(): the benchmark compresses the job layer's time, so timestamps run
  // ahead of this clock and verify()'s five-minute tolerance would refuse them.
  const expected = verifier.sign(webhookId, new Date(Number(timestamp) * 1000), body);
  return signature.split(" ").includes(expected);
}

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const arrivedAt = performance.timeOrigin + performance.now();
    const body = Buffer.concat(chunks).toString("utf8");
    const webhookId = header(request, "webhook-id");
    const kind = chooseAnswer(webhookId);
    received.push({
      channel: Number(/^\/hooks\/(\d+)$/.exec(request.url ?? "")?.[1] ?? -1),
      webhookId,
      ...readIds(body),
      arrivedAt,
      bytes: body.length,
      answer: kind,
      signatureValid: null,
      body,
      timestamp: header(request, "webhook-timestamp"),
      signature: header(request, "webhook-signature"),
    });
    answer(kind, request, response);
  });
});
// Idle keep-alive sockets stay open for the whole run: a socket closed by the receiver while the
// sender reuses it would fail an attempt that never arrived here.
server.keepAliveTimeout = 10 * 60_000;
server.headersTimeout = 11 * 60_000;
server.requestTimeout = 0;
const sockets = new Set<Socket>();
server.on("connection", (socket: Socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
});

process.on("message", (command: ReceiverCommand) => {
  if (command.type === "behave") {
    behaviour = command.behaviour;
    random = seededRandom(behaviour.seed);
    failuresByMessage.clear();
  } else if (command.type === "secrets") {
    verifiers.clear();
    for (const [channel, secret] of Object.entries(command.byChannel)) verifiers.set(Number(channel), new Webhook(secret));
  } else if (command.type === "collect") {
    const records: ReceivedRecord[] = received.map((full) => {
      const { body: _body, timestamp: _timestamp, signature: _signature, ...record } = full;
      return { ...record, signatureValid: verifySignature(full) };
    });
    received = [];
    report({ type: "collected", records });
  }
});

function report(message: ReceiverReport) {
  process.send?.(message);
}

function shutdown() {
  for (const socket of sockets) socket.destroy();
  server.close(() => process.exit(0));
}
// Never outlive the benchmark, and leave Ctrl-C to it: it still collects and cleans up.
process.on("disconnect", shutdown);
process.on("SIGTERM", shutdown);
process.on("SIGINT", () => {});

server.listen(0, process.argv[2] ?? "127.0.0.2", () => {
  const address = server.address();
  if (typeof address === "object" && address) report({ type: "ready", port: address.port });
});
