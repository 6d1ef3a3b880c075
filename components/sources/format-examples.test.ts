import { describe, expect, it } from "vitest";
import { getFormat } from "@/server/ingest/formats";
import { bodyKindOf } from "@/server/ingest/parse-items";
import { formatExamples } from "./format-examples";

// The example bodies shown beside a new token must be what the format's adapter accepts.
describe("format examples shown on the Sources page", () => {
  it.each(Object.entries(formatExamples))("%s is accepted by its adapter, with a content type the endpoint takes", (format, example) => {
    expect(bodyKindOf(example.contentType)).toBe("json");
    const result = getFormat(format as keyof typeof formatExamples).adapter(example.body, { receivedAt: new Date() });
    expect(result.ok ? null : result.issues).toBeNull();
  });
});
