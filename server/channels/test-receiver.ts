import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/*
 * Local HTTP receivers for the suites that send (fault tests, SSRF canaries, channel kinds, the
 * delivery job): each records what it received and answers as its `reply` says, including badly
 * (hanging, resetting, trickling). Linux answers on all of 127.0.0.0/8, so a suite can put an
 * allowed receiver on 127.0.0.2 and a canary on 127.0.0.1, on the same port.
 */

export type ReceivedRequest = { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: string; receivedAt: number };

/** What the receiver does with one request. */
export type ReceiverReply =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | { hang: true } // never answers (keeps the socket open)
  | { reset: true } // destroys the connection without answering
  | { trickle: { status: number; chunk: string; intervalMs: number; chunks: number } }; // writes the body slowly

export type TestReceiver = {
  url: string; // e.g. http://127.0.0.2:41234
  host: string;
  port: number;
  requests: ReceivedRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  /** TCP connections open right now (a kept-alive one stays open between requests). */
  readonly openConnections: number;
  reply: (request: ReceivedRequest, index: number) => ReceiverReply; // replaceable at any time
  close(): Promise<void>; // closes every socket too (hanging ones included)
};

function answer(reply: ReceiverReply, request: http.IncomingMessage, response: http.ServerResponse, timers: Set<NodeJS.Timeout>): void {
  if ("hang" in reply) return;
  if ("reset" in reply) {
    request.socket.resetAndDestroy();
    return;
  }
  if ("trickle" in reply) {
    const { status, chunk, intervalMs, chunks } = reply.trickle;
    response.writeHead(status);
    let written = 0;
    const interval = setInterval(() => {
      response.write(chunk);
      if (++written >= chunks) response.end();
    }, intervalMs);
    timers.add(interval);
    response.on("close", () => clearInterval(interval));
    return;
  }
  const send = () => {
    response.writeHead(reply.status, reply.headers).end(reply.body ?? "");
  };
  if (reply.delayMs) timers.add(setTimeout(send, reply.delayMs));
  else send();
}

/** Listens on `host` (127.0.0.1 by default) and `port` (any free one by default). */
export async function startTestReceiver(options: { host?: string; port?: number; reply?: TestReceiver["reply"] } = {}): Promise<TestReceiver> {
  const host = options.host ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer();

  const receiver: TestReceiver = {
    url: "",
    host,
    port: 0,
    requests: [],
    connections: 0,
    get openConnections() {
      return sockets.size;
    },
    reply: options.reply ?? (() => ({ status: 200 })),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  server.on("connection", (socket: Socket) => {
    receiver.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const received: ReceivedRequest = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
      };
      const index = receiver.requests.push(received) - 1;
      answer(receiver.reply(received, index), request, response, timers);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://${host.includes(":") ? `[${host}]` : host}:${receiver.port}`;
  return receiver;
}
