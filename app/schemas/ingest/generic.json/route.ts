import { getPublicOrigin } from "@/server/api/request-context";
import { withExceptionReport } from "@/server/exceptions/with-exception-report";
import { buildGenericJsonSchema } from "@/server/ingest/generic-json-schema";

export const dynamic = "force-dynamic";

// The stable, public URL of the `generic` ingest format's JSON Schema, for editors and validators.
export const GET = withExceptionReport("/schemas/ingest/generic.json", (request: Request) => {
  const url = `${getPublicOrigin(request.headers)}/schemas/ingest/generic.json`;
  return Response.json(buildGenericJsonSchema({ id: url }), {
    headers: { "content-type": "application/schema+json", "cache-control": "public, max-age=3600" },
  });
});
