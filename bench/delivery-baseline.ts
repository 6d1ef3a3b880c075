// The delivery benchmark's baseline: the same network work as a delivery — render the webhook
// body of the same message, sign it with the channel's secret, POST it to the same receiver path
// over keep-alive node:http — with no database and no job runner, at a concurrency the caller
// chooses (the Tocsin run's). Requests are issued `perTick` at a time every `intervalMs` (open
// loop) or all at once (perTick = total).
import http from "node:http";
import { uuidv7 } from "uuidv7";
import { webhookChannelKind } from "@/server/channels/kinds/webhook";
import { requireHttpPayload } from "@/server/channels/kinds/http-payload";
import type { NotificationMessage } from "@/server/channels/notification-message";
import { signWebhookPayload } from "@/server/channels/webhook-signature";
import { messageIdOf } from "@/server/deliveries/insert-deliveries";
import type { BenchChannel } from "./delivery-seed";

export type BaselineTarget = { receiverUrl: string; channels: BenchChannel[]; message: NotificationMessage };
export type BaselineSchedule = { total: number; perTick: number; intervalMs: number; concurrency: number };
/** Times in epoch ms; `responseMs` from the request's start (not its scheduling) to the end of the answer. */
export type BaselineRequest = { webhookId: string; channel: number; scheduledAt: number; startedAt: number; responseMs: number; status: number };
export type BaselineRun = { seconds: number; requests: BaselineRequest[]; failed: number };

const agent = new http.Agent({ keepAlive: true });
const epochNow = () => performance.timeOrigin + performance.now();

function post(url: URL, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function deliverOnce(target: BaselineTarget, channel: BenchChannel, scheduledAt: number): Promise<BaselineRequest> {
  const startedAt = epochNow();
  const webhookId = messageIdOf(uuidv7());
  const rendered = requireHttpPayload(await webhookChannelKind.render({ ...target.message, messageId: webhookId }));
  const signature = signWebhookPayload({ id: webhookId, timestamp: new Date(), body: rendered.body, secrets: [channel.signingSecret] });
  const status = await post(new URL(`/hooks/${channel.index}`, target.receiverUrl), rendered.body, {
    "content-type": "application/json",
    "user-agent": "Tocsin-bench-baseline",
    ...signature,
  });
  return { webhookId, channel: channel.index, scheduledAt, startedAt, responseMs: epochNow() - startedAt, status };
}

export async function runBaseline(target: BaselineTarget, schedule: BaselineSchedule): Promise<BaselineRun> {
  const queue: { channel: BenchChannel; scheduledAt: number }[] = [];
  const idle: (() => void)[] = [];
  const requests: BaselineRequest[] = [];
  let failed = 0;
  let issued = 0;

  // `concurrency` workers take requests in order of scheduling, like the runner's slots.
  const worker = async () => {
    for (;;) {
      const next = queue.shift();
      if (next) {
        await deliverOnce(target, next.channel, next.scheduledAt).then(
          (request) => void requests.push(request),
          () => void failed++,
        );
      } else if (issued === schedule.total) {
        return;
      } else {
        await new Promise<void>((resolve) => idle.push(resolve));
      }
    }
  };
  const started = performance.now();
  const workers = Array.from({ length: schedule.concurrency }, worker);
  for (let tick = 0; issued < schedule.total; tick++) {
    const wait = started + tick * schedule.intervalMs - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const scheduledAt = epochNow();
    for (let i = 0; i < schedule.perTick && issued < schedule.total; i++, issued++) {
      queue.push({ channel: target.channels[issued % target.channels.length]!, scheduledAt });
    }
    for (const resolve of idle.splice(0)) resolve();
  }
  for (const resolve of idle.splice(0)) resolve();
  await Promise.all(workers);
  return { seconds: (performance.now() - started) / 1000, requests, failed };
}
