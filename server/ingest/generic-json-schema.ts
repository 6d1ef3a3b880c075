import { z } from "zod";
import { genericEventExample, genericEventSchema } from "./adapters/generic-schema";

/** Used as `$id` unless the route passes the absolute URL it serves the schema at. */
export const genericJsonSchemaDefaultId = "urn:tocsin:schema:ingest:generic:1";

/**
 * The JSON Schema (draft 2020-12) of the `generic` format, generated from the zod schema the
 * adapter validates with, so documentation and validation cannot drift apart. Checks that JSON
 * Schema cannot express (calendar dates, IP addresses) are described in the field descriptions.
 */
export function buildGenericJsonSchema(options: { id?: string } = {}): Record<string, unknown> {
  const generated = z.toJSONSchema(genericEventSchema, { io: "input", target: "draft-2020-12" });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: options.id ?? genericJsonSchemaDefaultId,
    title: "Tocsin generic event",
    description:
      "One event posted to a Tocsin source of format generic. A request body is one such object, a JSON array of them, or NDJSON with one per line. Unknown fields are rejected.",
    ...rest,
    examples: [genericEventExample, { type: "auth.login_failed", title: "Failed login for jdoe" }],
  };
}
