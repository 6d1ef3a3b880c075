import { describe, expect, it } from "vitest";
import type { Answer, ReceivedRecord } from "../../bench/delivery-receiver-control";
import { checkAttemptConsistency, type FaultAttempt, type FaultDelivery } from "./attempt-consistency";

const delivery = (id: string, status: string, attempts: number): FaultDelivery => ({ id, eventId: `event-${id}`, channel: 0, messageId: `msg-${id}`, status, attempts });
const attempt = (deliveryId: string, number: number, statusCode: number | null, outcome: string): FaultAttempt => ({ deliveryId, number, statusCode, outcome });
const seen = (id: string, answer: Answer): ReceivedRecord => ({
  channel: 0,
  webhookId: `msg-${id}`,
  bodyId: `msg-${id}`,
  eventId: `event-${id}`,
  arrivedAt: 0,
  bytes: 1,
  answer,
  signatureValid: true,
});

describe("the fault suite's attempt log check", () => {
  it("accepts a log the receiver saw, and counts the requests a kill left unlogged as duplicates", () => {
    const result = checkAttemptConsistency(
      [delivery("a", "delivered", 2), delivery("b", "failed", 4)],
      [
        attempt("a", 1, null, "retry"),
        attempt("a", 2, 200, "delivered"),
        ...[1, 2, 3].map((n) => attempt("b", n, 500, "retry")),
        attempt("b", 4, 503, "failed"),
      ],
      // a: reset, then a 200 lost with the app, then the 200 logged.
      [seen("a", "reset"), seen("a", "ok"), seen("a", "ok"), seen("b", "status_500"), seen("b", "slow_500"), seen("b", "status_500"), seen("b", "status_503")],
      4,
    );
    expect(result).toEqual({
      delivered: 1,
      failed: 1,
      unfinished: 0,
      attemptsLogged: 6,
      brokenLogs: 0,
      wrongEndings: 0,
      attemptsNotSeen: 0,
      requestsNotLogged: 1,
      deliveredTwice: 1,
      failedAfterLostOk: 0,
    });
  });

  it("finds attempts the receiver never saw, gaps in the log, endings that contradict the status and unfinished deliveries", () => {
    const result = checkAttemptConsistency(
      [delivery("a", "delivered", 2), delivery("b", "failed", 2), delivery("c", "pending", 0)],
      [attempt("a", 1, 500, "retry"), attempt("a", 2, 200, "delivered"), attempt("b", 1, 500, "retry"), attempt("b", 3, 500, "failed")],
      [seen("a", "ok"), seen("b", "status_500")],
      4,
    );
    expect(result).toMatchObject({ delivered: 1, failed: 1, unfinished: 1, brokenLogs: 1, wrongEndings: 1, attemptsNotSeen: 2, requestsNotLogged: 0 });
  });
});
