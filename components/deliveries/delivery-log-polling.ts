// The delivery log follows pending deliveries by itself: it asks again every few seconds while
// any shown delivery is pending, and not at all otherwise.
import type { DeliveryStatus } from "@/server/db/schema/channels";

export const POLL_INTERVAL_MS = 3_000;

type Pages = { pages: { items: { status: DeliveryStatus }[] }[] };

export function hasPendingDelivery(data: Pages | undefined): boolean {
  return data?.pages.some((page) => page.items.some((item) => item.status === "pending")) ?? false;
}

export function pollWhilePending(data: Pages | undefined): number | false {
  return hasPendingDelivery(data) ? POLL_INTERVAL_MS : false;
}
