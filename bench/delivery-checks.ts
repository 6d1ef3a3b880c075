// What the delivery benchmark checks against the receiver's records: every delivery reached it,
// all the requests of one delivery (identified by its event id and channel, from the body and the
// path) carried one `webhook-id` — the delivery's message id — and no `webhook-id` was used by two
// deliveries; signatures verify; and each message was answered 200 exactly once.
import type { ReceivedRecord } from "./delivery-receiver-control";

/** A delivery of the phase, as the database has it. */
export type DeliveryRecord = { messageId: string; eventId: string; channel: number; status: string; attempts: number; createdMs: number; eventReceivedMs: number };

export type ReceiverCheck = {
  deliveries: number;
  requests: number;
  notDelivered: number;
  /** Deliveries no request arrived for. */
  neverReceived: number;
  /** Requests beyond the first for the same webhook-id: the receiver got the body again. */
  duplicates: number;
  /** Deliveries whose requests carried a webhook-id other than their message id (or several). */
  deliveriesWithOtherIds: number;
  /** webhook-ids seen for more than one delivery. */
  sharedWebhookIds: number;
  /** Requests whose body `id` is not their webhook-id, or whose body names no event. */
  malformedRequests: number;
  /** Requests matching no delivery of the phase. */
  unknownRequests: number;
  badSignatures: number;
  /** Messages answered 200 other than exactly once (delivered ones only). */
  okAnswersNotOnce: number;
  /** Epoch ms at which each message first arrived. */
  firstArrival: Map<string, number>;
};

const deliveryKey = (eventId: string, channel: number) => `${eventId}/${channel}`;

export function checkReceivedRequests(deliveries: readonly DeliveryRecord[], records: readonly ReceivedRecord[]): ReceiverCheck {
  const byKey = new Map(deliveries.map((d) => [deliveryKey(d.eventId, d.channel), d]));
  const idsByKey = new Map<string, Set<string>>();
  const keysById = new Map<string, Set<string>>();
  const okById = new Map<string, number>();
  const firstArrival = new Map<string, number>();
  let malformedRequests = 0;
  let unknownRequests = 0;
  let badSignatures = 0;
  for (const record of records) {
    if (record.signatureValid === false) badSignatures++;
    if (record.bodyId !== record.webhookId || record.eventId === null) {
      malformedRequests++;
      continue;
    }
    const key = deliveryKey(record.eventId, record.channel);
    if (!byKey.has(key)) {
      unknownRequests++;
      continue;
    }
    addTo(idsByKey, key, record.webhookId);
    addTo(keysById, record.webhookId, key);
    if (record.answer === "ok") okById.set(record.webhookId, (okById.get(record.webhookId) ?? 0) + 1);
    const first = firstArrival.get(record.webhookId);
    if (first === undefined || record.arrivedAt < first) firstArrival.set(record.webhookId, record.arrivedAt);
  }

  let deliveriesWithOtherIds = 0;
  let okAnswersNotOnce = 0;
  let neverReceived = 0;
  for (const [key, delivery] of byKey) {
    const ids = idsByKey.get(key);
    if (!ids) neverReceived++;
    else if (ids.size !== 1 || !ids.has(delivery.messageId)) deliveriesWithOtherIds++;
    if (delivery.status === "delivered" && okById.get(delivery.messageId) !== 1) okAnswersNotOnce++;
  }
  const matched = records.length - malformedRequests - unknownRequests;
  return {
    deliveries: deliveries.length,
    requests: records.length,
    notDelivered: deliveries.filter((d) => d.status !== "delivered").length,
    neverReceived,
    duplicates: matched - firstArrival.size,
    deliveriesWithOtherIds,
    sharedWebhookIds: [...keysById.values()].filter((keys) => keys.size > 1).length,
    malformedRequests,
    unknownRequests,
    badSignatures,
    okAnswersNotOnce,
    firstArrival,
  };
}

function addTo(map: Map<string, Set<string>>, key: string, value: string) {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/** The checks a phase passes only when all hold. */
export function describeFailedChecks(check: ReceiverCheck): string[] {
  const failures: [number, string][] = [
    [check.notDelivered, "deliveries not delivered"],
    [check.neverReceived, "deliveries the receiver never saw"],
    [check.deliveriesWithOtherIds, "deliveries whose requests carried another or several webhook-ids"],
    [check.sharedWebhookIds, "webhook-ids used by two deliveries"],
    [check.malformedRequests, "requests whose body id is not their webhook-id"],
    [check.unknownRequests, "requests matching no delivery"],
    [check.badSignatures, "requests with a signature that does not verify"],
    [check.okAnswersNotOnce, "delivered messages answered 200 other than once"],
  ];
  return failures.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
}
