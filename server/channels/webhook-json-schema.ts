import { z } from "zod";
import { webhookNotificationSchema } from "./kinds/webhook";

/** Used as `$id` unless the route passes the absolute URL it serves the schema at. */
export const webhookJsonSchemaDefaultId = "urn:tocsin:schema:webhook:notification:1";

/**
 * The JSON Schema (draft 2020-12) of a custom webhook's body, generated from the zod schema the
 * renderer's output is tested against, so the documentation cannot drift from what is sent.
 */
export function buildWebhookJsonSchema(options: { id?: string } = {}): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(webhookNotificationSchema, { target: "draft-2020-12" });
  return {
    $schema,
    $id: options.id ?? webhookJsonSchemaDefaultId,
    description:
      "The JSON body Tocsin POSTs to a custom webhook channel, signed with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). Retries and replays of one delivery carry the same id; receivers should drop an id they have processed.",
    ...rest,
  };
}
