import { describe, expect, it } from "vitest";
import { describePayloadSize, prettyBody } from "./payload-size";

describe("payload size and body", () => {
  it("sets the size against the byte limit when the kind has one, and says when something was cut", () => {
    expect(describePayloadSize({ bytes: 1234, limitBytes: 28_000, truncated: false })).toBe("1,234 bytes of 28,000");
    expect(describePayloadSize({ bytes: 27_990, limitBytes: 28_000, truncated: true })).toBe("27,990 bytes of 28,000 · truncated to fit");
    expect(describePayloadSize({ bytes: 812, limitBytes: null, truncated: false })).toBe("812 bytes");
  });

  it("pretty-prints JSON and leaves anything else as it is", () => {
    expect(prettyBody('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyBody("not json")).toBe("not json");
  });
});
