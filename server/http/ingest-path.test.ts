import { describe, expect, it } from "vitest";
import { ingestTargetOf } from "./ingest-path";

describe("ingestTargetOf", () => {
  it.each([
    ["/api/ingest/0192f0c4-0000-7000-8000-000000000001", { sourceId: "0192f0c4-0000-7000-8000-000000000001" }],
    ["/api/ingest/0192f0c4-0000-7000-8000-000000000001?debug=1", { sourceId: "0192f0c4-0000-7000-8000-000000000001" }],
    ["/api/ingest/t/tcn_abc", { pathToken: "tcn_abc" }],
    ["/api/ingest/t/tcn%5Fabc", { pathToken: "tcn_abc" }],
  ])("routes %s to the ingest handler", (url, target) => {
    expect(ingestTargetOf(url)).toEqual(target);
  });

  it.each(["/api/health", "/api/ingest", "/api/ingest/", "/api/ingest/t", "/api/ingest/t/", "/api/ingest/a/b", "/api/ingest/a/", "/api/ingest/%E0%A4%A", "/w/x/api/ingest/a", undefined])(
    "leaves %s to Next",
    (url) => {
      expect(ingestTargetOf(url)).toBeNull();
    },
  );
});
