import { describe, expect, it } from "vitest";
import { buildWebhookJsonSchema, webhookJsonSchemaDefaultId } from "./webhook-json-schema";

describe("webhook JSON Schema", () => {
  it("documents every field of the body, with the id it is served at", () => {
    const schema = buildWebhookJsonSchema({ id: "https://tocsin.example/schemas/webhook/notification.json" }) as {
      $id: string;
      $schema: string;
      required: string[];
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe("https://tocsin.example/schemas/webhook/notification.json");
    expect(schema.required.sort()).toEqual(["community", "event", "id", "links", "rule", "summary", "suppressed", "test", "timestamp", "truncated", "type", "version", "workspace"]);
    expect(schema.additionalProperties).toBe(false);
    expect(buildWebhookJsonSchema().$id).toBe(webhookJsonSchemaDefaultId);
  });
});
