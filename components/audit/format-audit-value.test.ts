import { describe, expect, it } from "vitest";
import { MASKED_VALUE } from "@/server/audit/mask-secrets";
import { formatAuditValue } from "./format-audit-value";

describe("formatAuditValue", () => {
  it.each([
    [MASKED_VALUE, { kind: "masked" }],
    [null, { kind: "none" }],
    ["Team alerts", { kind: "text", text: "Team alerts" }],
    ["2026-01-05T09:30:00.000Z", { kind: "text", text: "2026-01-05 09:30:00 UTC" }],
    [90, { kind: "text", text: "90" }],
    [false, { kind: "text", text: "false" }],
    [[], { kind: "text", text: "(none)" }],
    [["alert.*", "case.*"], { kind: "text", text: "alert.*, case.*" }],
    [{ url: MASKED_VALUE, bearerToken: null }, { kind: "text", text: '{"url":"(masked)","bearerToken":null}' }],
  ] as const)("%j", (value, expected) => {
    expect(formatAuditValue(value)).toEqual(expected);
  });
});
