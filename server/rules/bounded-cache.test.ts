import { describe, expect, it } from "vitest";
import { BoundedCache } from "./bounded-cache";

describe("BoundedCache", () => {
  it("keeps at most its capacity, evicting the least recently used", () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1); // a is now the most recent
    cache.set("c", 3);
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
  });

  it("computes a missing value once", () => {
    const cache = new BoundedCache<string, { n: number }>(10);
    let calls = 0;
    const create = () => ({ n: ++calls });
    const first = cache.getOrCreate("k", create);
    expect(cache.getOrCreate("k", create)).toBe(first);
    expect(calls).toBe(1);
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new BoundedCache(0)).toThrow(/positive capacity/);
    expect(() => new BoundedCache(1.5)).toThrow(/positive capacity/);
  });
});
