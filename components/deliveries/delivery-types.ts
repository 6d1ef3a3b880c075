import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type DeliveryOutputs = inferRouterOutputs<AppRouter>["delivery"];

/** One page of `delivery.list`: newest first, with the cursor of the next. */
export type DeliveryPage = DeliveryOutputs["list"];
export type DeliveryItem = DeliveryPage["items"][number];
/** A delivery with its attempts, as `delivery.get` returns it. */
export type DeliveryDetail = DeliveryOutputs["get"];
export type DeliveryAttempt = DeliveryDetail["attemptLog"][number];
