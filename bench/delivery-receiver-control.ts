// The parent's side of the delivery benchmark's receiver (bench/delivery-receiver.ts): forks it
// with an IPC channel, tells it how to answer, and collects what it saw. The receiver runs in its
// own process so that answering never takes event-loop time from the Tocsin machinery measured.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";

/** How the receiver answers a failing attempt. */
export const failureKinds = ["status_500", "status_503", "reset", "slow_500", "hang"] as const;
export type FailureKind = (typeof failureKinds)[number];
export type Answer = "ok" | FailureKind;

export type ReceiverBehaviour = {
  /** Share of attempts answered with a failure (0: always 200). */
  failureRate: number;
  /** Relative weights of the failure kinds. */
  mix: Record<FailureKind, number>;
  /** A message that has failed this many times is answered 200 on its next attempt. */
  maxFailuresPerMessage: number;
  /** Retry-After sent with 503, in seconds. */
  retryAfterSeconds: number;
  /** How long a slow_500 takes to answer. */
  slowMs: number;
  /** Seed of the receiver's random choices, so that runs fail the same way. */
  seed: number;
};

/** One request the receiver saw (the body is kept in the receiver, only for signature checks). */
export type ReceivedRecord = {
  /** The channel's index, from the path /hooks/<index>. */
  channel: number;
  webhookId: string;
  /** The body's `id` (must equal webhook-id) and `event.id`: together with the channel, the delivery. */
  bodyId: string | null;
  eventId: string | null;
  /** Epoch milliseconds (fractional) when the whole body had arrived. */
  arrivedAt: number;
  bytes: number;
  answer: Answer;
  /** Whether webhook-signature verifies with the channel's secret (null: no secret given for it). */
  signatureValid: boolean | null;
};

export type ReceiverCommand =
  | { type: "behave"; behaviour: ReceiverBehaviour }
  | { type: "secrets"; byChannel: Record<number, string> }
  /** Hands over every record since the last collect (and forgets them). */
  | { type: "collect" };

export type ReceiverReport = { type: "ready"; port: number } | { type: "collected"; records: ReceivedRecord[] };

export const alwaysOk: ReceiverBehaviour = {
  failureRate: 0,
  mix: { status_500: 1, status_503: 0, reset: 0, slow_500: 0, hang: 0 },
  maxFailuresPerMessage: 0,
  retryAfterSeconds: 0,
  slowMs: 0,
  seed: 1,
};

export type DeliveryReceiver = {
  /** e.g. http://127.0.0.2:41234 */
  url: string;
  behave(behaviour: ReceiverBehaviour): void;
  setSecrets(byChannel: Record<number, string>): void;
  collect(): Promise<ReceivedRecord[]>;
  stop(): void;
};

/** Forks the receiver on `host` and resolves once it listens. */
export async function startDeliveryReceiver(host: string): Promise<DeliveryReceiver> {
  const child = fork(path.join(import.meta.dirname, "delivery-receiver.ts"), [host], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.on("exit", stop);
  // A send after the receiver is gone fails the collect waiting on it, not the whole process.
  child.on("error", () => {});
  const ready = await nextReport(child, "ready");
  const send = (command: ReceiverCommand) => {
    if (!child.connected) throw new Error("the delivery receiver has exited");
    child.send(command);
  };
  return {
    url: `http://${host}:${ready.port}`,
    behave: (behaviour) => send({ type: "behave", behaviour }),
    setSecrets: (byChannel) => send({ type: "secrets", byChannel }),
    collect: async () => {
      send({ type: "collect" });
      // Listening from the same tick as the send: the answer cannot arrive before.
      return (await nextReport(child, "collected")).records;
    },
    stop,
  };
}

function nextReport<T extends ReceiverReport["type"]>(child: ChildProcess, type: T): Promise<Extract<ReceiverReport, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ReceiverReport) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as Extract<ReceiverReport, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`the delivery receiver exited (${code}) before answering ${type}`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}
