import { describe, expect, it } from "vitest";
import { checkReceivedRequests, describeFailedChecks, type DeliveryRecord } from "./delivery-checks";
import type { Answer, ReceivedRecord } from "./delivery-receiver-control";

const delivery = (messageId: string, eventId: string, channel: number, status = "delivered"): DeliveryRecord => ({
  messageId,
  eventId,
  channel,
  status,
  attempts: 1,
  createdMs: 1_000,
  eventReceivedMs: 990,
});

let clock = 1_000;
const request = (webhookId: string, eventId: string, channel: number, answer: Answer = "ok", changes: Partial<ReceivedRecord> = {}): ReceivedRecord => ({
  channel,
  webhookId,
  bodyId: webhookId,
  eventId,
  arrivedAt: (clock += 10),
  bytes: 900,
  answer,
  signatureValid: true,
  ...changes,
});

const deliveries = [delivery("msg_a", "e1", 0), delivery("msg_b", "e1", 1), delivery("msg_c", "e2", 0)];

describe("checkReceivedRequests", () => {
  it("passes deliveries that each arrived once, answered 200", () => {
    const b = request("msg_b", "e1", 1);
    const check = checkReceivedRequests(deliveries, [request("msg_a", "e1", 0), b, request("msg_c", "e2", 0)]);
    expect(describeFailedChecks(check)).toEqual([]);
    expect(check.duplicates).toBe(0);
    expect(check.firstArrival.get("msg_b")).toBe(b.arrivedAt);
  });

  it("counts retries carrying the same webhook-id as duplicates, and keeps the first arrival", () => {
    const first = request("msg_a", "e1", 0, "status_500");
    const records = [first, request("msg_a", "e1", 0, "reset"), request("msg_a", "e1", 0), request("msg_b", "e1", 1), request("msg_c", "e2", 0)];
    const check = checkReceivedRequests(deliveries, records);
    expect(describeFailedChecks(check)).toEqual([]);
    expect(check.duplicates).toBe(2);
    expect(check.firstArrival.get("msg_a")).toBe(first.arrivedAt);
  });

  it("fails a delivery retried under another webhook-id", () => {
    const check = checkReceivedRequests(deliveries, [request("msg_a", "e1", 0, "status_503"), request("msg_z", "e1", 0), request("msg_b", "e1", 1), request("msg_c", "e2", 0)]);
    expect(check.deliveriesWithOtherIds).toBe(1);
    expect(check.okAnswersNotOnce).toBe(1); // msg_a was never answered 200
  });

  it("fails a webhook-id that two deliveries used", () => {
    const check = checkReceivedRequests(deliveries, [request("msg_a", "e1", 0), request("msg_a", "e1", 1), request("msg_c", "e2", 0)]);
    expect(check.sharedWebhookIds).toBe(1);
    expect(check.deliveriesWithOtherIds).toBe(1);
  });

  it("fails bodies whose id is not their webhook-id, unknown requests and bad signatures", () => {
    const check = checkReceivedRequests(deliveries, [
      request("msg_a", "e1", 0, "ok", { bodyId: "msg_other" }),
      request("msg_b", "e1", 1, "ok", { signatureValid: false }),
      request("msg_c", "e2", 0),
      request("msg_x", "e9", 0),
    ]);
    expect(check.malformedRequests).toBe(1);
    expect(check.badSignatures).toBe(1);
    expect(check.unknownRequests).toBe(1);
    expect(check.neverReceived).toBe(1); // msg_a's only request was malformed
  });

  it("fails deliveries not delivered, never received, or answered 200 twice", () => {
    const check = checkReceivedRequests(
      [delivery("msg_a", "e1", 0, "failed"), delivery("msg_b", "e1", 1), delivery("msg_c", "e2", 0)],
      [request("msg_a", "e1", 0, "status_500"), request("msg_b", "e1", 1), request("msg_b", "e1", 1)],
    );
    expect(describeFailedChecks(check)).toEqual([
      "1 deliveries not delivered",
      "1 deliveries the receiver never saw",
      "2 delivered messages answered 200 other than once",
    ]);
  });
});
