// Inputs of the delivery-log procedures.
import { z } from "zod";
import { deliveryStatuses } from "@/server/db/schema/channels";

export const deliveryIdSchema = z.uuid({ message: "Not a delivery id" });

export const listDeliveriesInput = z.object({
  channelId: z.uuid({ message: "Not a channel id" }).optional(),
  eventId: z.uuid({ message: "Not an event id" }).optional(),
  status: z.enum(deliveryStatuses, { message: `Choose among ${deliveryStatuses.join(", ")}` }).optional(),
  /** Null or absent: the first page (TanStack infinite queries start from null). */
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(200).optional(),
});
export type ListDeliveriesInput = z.infer<typeof listDeliveriesInput>;

export const deliveryRefInput = z.object({ deliveryId: deliveryIdSchema });

export const replayFailedDeliveriesInput = z.object({
  channelId: z.uuid({ message: "Not a channel id" }),
  /** Failed at or after this time. */
  since: z.coerce.date({ message: "Choose a date and time" }).refine((date) => date.getTime() <= Date.now() + 60_000, "Choose a time that is not in the future"),
});
