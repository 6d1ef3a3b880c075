import type { intakeSources } from "@/server/db/schema";

type SourceRow = typeof intakeSources.$inferSelect;
export type CachedSourceToken = { source: SourceRow; revokedAt: Date | null; expiresAt: Date | null };

/** How long a looked-up token is trusted before the database is asked again. */
export const SOURCE_AUTH_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Token hash → the source it opens, for a few seconds: a busy source would otherwise cost a
 * database round trip per request before any of its events is stored. Changes made in this
 * process (disable, revoke, rotate, delete, rate or format change) forget the source at once;
 * other instances see them within the TTL. Only hits are kept, so a guessed token always reaches
 * the database and never fills the cache.
 */
export class SourceAuthCache {
  private readonly entries = new Map<string, { value: CachedSourceToken; until: number }>();

  constructor(
    private readonly ttlMs = SOURCE_AUTH_CACHE_TTL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(tokenHash: string): CachedSourceToken | null {
    const entry = this.entries.get(tokenHash);
    if (!entry) return null;
    if (entry.until <= this.now()) {
      this.entries.delete(tokenHash);
      return null;
    }
    return entry.value;
  }

  set(tokenHash: string, value: CachedSourceToken) {
    // Oldest first out: a Map iterates in insertion order.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, { value, until: this.now() + this.ttlMs });
  }

  forgetSource(sourceId: string) {
    for (const [hash, entry] of this.entries) if (entry.value.source.id === sourceId) this.entries.delete(hash);
  }
}

const globalForCache = globalThis as unknown as { tocsinSourceAuthCache?: SourceAuthCache };
export const sourceAuthCache = (globalForCache.tocsinSourceAuthCache ??= new SourceAuthCache());
