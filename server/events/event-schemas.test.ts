import { describe, expect, it } from "vitest";
import { eventOrigins } from "@/server/db/schema";
import { eventOriginValues, parseTypeFilter, typeFilterSchema } from "./event-schemas";

describe("event schemas", () => {
  it("know the same origins as the table", () => {
    expect([...eventOriginValues]).toEqual([...eventOrigins]);
  });

  it("take an exact type or a prefix ending in .*", () => {
    expect(typeFilterSchema.parse(" Alert.Created ")).toBe("alert.created");
    expect(parseTypeFilter("alert.created")).toEqual({ exact: "alert.created" });
    expect(parseTypeFilter("alert.*")).toEqual({ prefix: "alert." });
    expect(parseTypeFilter("a.b_c.*")).toEqual({ prefix: "a.b_c." });
    for (const bad of ["", "*", ".*", "alert.", "alert*", "alert.*.created", "al ert", "a%b"]) {
      expect(typeFilterSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});
