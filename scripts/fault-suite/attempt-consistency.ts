// What the delivery half of the fault suite checks once everything has settled: every delivery
// ended delivered or failed for good, its attempt log is whole (attempts 1..n, the delivery's
// count is the number of rows, the last one says how it ended), and every attempt logged was
// seen by the receiver with the answer logged — the receiver may have seen more (an attempt cut
// short by `kill -9`, or by a database restart before it was written, is sent again and logged
// once), never fewer.
import type { Answer, ReceivedRecord } from "../../bench/delivery-receiver-control";

export type FaultDelivery = { id: string; eventId: string; channel: number; messageId: string; status: string; attempts: number };
export type FaultAttempt = { deliveryId: string; number: number; statusCode: number | null; outcome: string };

export type AttemptConsistency = {
  delivered: number;
  failed: number;
  /** Not delivered nor failed for good. */
  unfinished: number;
  attemptsLogged: number;
  /** Deliveries whose count differs from their attempt rows, or whose rows are not numbered 1..n. */
  brokenLogs: number;
  /** Delivered without a last attempt answered 200, or failed with retries left or a last attempt that is not a failure. */
  wrongEndings: number;
  /** Attempts logged with an answer the receiver never gave that delivery (as many times). */
  attemptsNotSeen: number;
  /** Requests the receiver saw beyond the attempts logged: cut short by a kill or a restart, or by a run that lost its lease. */
  requestsNotLogged: number;
  /** Delivered messages the receiver answered 200 more than once (the first answer was lost with the app). */
  deliveredTwice: number;
  /** Failed messages the receiver did answer 200 once (that answer was lost with the app; the later attempts failed). */
  failedAfterLostOk: number;
};

/** What the receiver's answer looks like in the attempt log: the status code, or none (reset, no answer). */
function answerKey(answer: Answer): string {
  if (answer === "ok") return "200";
  if (answer === "status_500" || answer === "slow_500") return "500";
  if (answer === "status_503") return "503";
  return "none";
}
const attemptKey = (attempt: FaultAttempt) => (attempt.statusCode === null ? "none" : String(attempt.statusCode));

export function checkAttemptConsistency(
  deliveries: readonly FaultDelivery[],
  attempts: readonly FaultAttempt[],
  records: readonly ReceivedRecord[],
  maxAttempts: number,
): AttemptConsistency {
  const attemptsByDelivery = new Map<string, FaultAttempt[]>();
  for (const attempt of attempts) {
    const list = attemptsByDelivery.get(attempt.deliveryId);
    if (list) list.push(attempt);
    else attemptsByDelivery.set(attempt.deliveryId, [attempt]);
  }
  const seenByMessage = new Map<string, Map<string, number>>();
  for (const record of records) {
    const seen = seenByMessage.get(record.webhookId) ?? new Map<string, number>();
    const key = answerKey(record.answer);
    seen.set(key, (seen.get(key) ?? 0) + 1);
    seenByMessage.set(record.webhookId, seen);
  }

  const result: AttemptConsistency = {
    delivered: 0,
    failed: 0,
    unfinished: 0,
    attemptsLogged: attempts.length,
    brokenLogs: 0,
    wrongEndings: 0,
    attemptsNotSeen: 0,
    requestsNotLogged: 0,
    deliveredTwice: 0,
    failedAfterLostOk: 0,
  };
  for (const delivery of deliveries) {
    const logged = (attemptsByDelivery.get(delivery.id) ?? []).sort((a, b) => a.number - b.number);
    if (logged.length !== delivery.attempts || logged.some((attempt, index) => attempt.number !== index + 1)) result.brokenLogs++;
    const last = logged.at(-1);
    if (delivery.status === "delivered") {
      result.delivered++;
      if (last?.outcome !== "delivered" || last.statusCode !== 200) result.wrongEndings++;
    } else if (delivery.status === "failed") {
      result.failed++;
      if (last?.outcome !== "failed" || logged.length !== maxAttempts) result.wrongEndings++;
    } else {
      result.unfinished++;
    }

    const seen = seenByMessage.get(delivery.messageId) ?? new Map<string, number>();
    const loggedByKey = new Map<string, number>();
    for (const attempt of logged) loggedByKey.set(attemptKey(attempt), (loggedByKey.get(attemptKey(attempt)) ?? 0) + 1);
    for (const [key, count] of loggedByKey) result.attemptsNotSeen += Math.max(0, count - (seen.get(key) ?? 0));
    const seenTotal = [...seen.values()].reduce((sum, n) => sum + n, 0);
    result.requestsNotLogged += Math.max(0, seenTotal - logged.length);
    const oks = seen.get("200") ?? 0;
    if (delivery.status === "delivered" && oks > 1) result.deliveredTwice++;
    if (delivery.status === "failed" && oks > 0) result.failedAfterLostOk++;
  }
  return result;
}
