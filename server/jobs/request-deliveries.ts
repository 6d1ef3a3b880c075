import type { RequestedDelivery } from "@/server/deliveries/insert-deliveries";
import { deliveryRequested, type DeliveryRequestedJobEvent } from "./client";
import { sendJobEvent } from "./send-event";

/** One `tocsin/delivery.requested` per delivery, keyed by its channel for the concurrency limit. */
export function deliveryRequests(workspaceId: string, deliveries: readonly RequestedDelivery[]): DeliveryRequestedJobEvent[] {
  return deliveries.map(({ id, channelId }) => ({ name: deliveryRequested.name, data: { workspaceId, deliveryId: id, channelId } }));
}

/** Requests deliveries from outside a job (a replay): to Inngest or the inline runner. */
export async function requestDeliveries(workspaceId: string, deliveries: readonly RequestedDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await sendJobEvent(deliveryRequests(workspaceId, deliveries));
}
