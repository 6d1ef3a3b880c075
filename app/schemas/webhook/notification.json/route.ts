import { getPublicOrigin } from "@/server/api/request-context";
import { buildWebhookJsonSchema } from "@/server/channels/webhook-json-schema";
import { withExceptionReport } from "@/server/exceptions/with-exception-report";

export const dynamic = "force-dynamic";

// The stable, public URL of the custom webhook body's JSON Schema, for receivers' validators.
export const GET = withExceptionReport("/schemas/webhook/notification.json", (request: Request) => {
  const url = `${getPublicOrigin(request.headers)}/schemas/webhook/notification.json`;
  return Response.json(buildWebhookJsonSchema({ id: url }), {
    headers: { "content-type": "application/schema+json", "cache-control": "public, max-age=3600" },
  });
});
