import { describe, expect, it } from "vitest";
import { SourceAuthCache, type CachedSourceToken } from "./source-auth-cache";

const entry = (sourceId: string) => ({ source: { id: sourceId }, revokedAt: null, expiresAt: null }) as unknown as CachedSourceToken;

describe("SourceAuthCache", () => {
  it("answers from memory until the TTL passes, then asks again", () => {
    let now = 0;
    const cache = new SourceAuthCache(5000, () => now);
    cache.set("hash-a", entry("s1"));
    now = 4999;
    expect(cache.get("hash-a")?.source.id).toBe("s1");
    now = 5000;
    expect(cache.get("hash-a")).toBeNull();
  });

  it("forgets every token of a source at once", () => {
    const cache = new SourceAuthCache(5000, () => 0);
    cache.set("old-token", entry("s1"));
    cache.set("new-token", entry("s1"));
    cache.set("other", entry("s2"));
    cache.forgetSource("s1");
    expect(cache.get("old-token")).toBeNull();
    expect(cache.get("new-token")).toBeNull();
    expect(cache.get("other")?.source.id).toBe("s2");
  });

  it("stays bounded, dropping the oldest entries first", () => {
    const cache = new SourceAuthCache(5000, () => 0);
    for (let i = 0; i <= 10_000; i++) cache.set(`hash-${i}`, entry(`s${i}`));
    expect(cache.get("hash-0")).toBeNull();
    expect(cache.get("hash-1")?.source.id).toBe("s1");
    expect(cache.get("hash-10000")?.source.id).toBe("s10000");
  });
});
