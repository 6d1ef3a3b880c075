/**
 * A least-recently-used cache of at most `capacity` entries. Rule patterns and expressions come
 * from users, so every cache of compiled ones must be bounded; a Map keeps insertion order, which
 * makes "delete and re-insert on hit" an LRU without any extra bookkeeping.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`A cache needs a positive capacity, got ${capacity}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    // Move to the most recent end so that a hot entry outlives a flood of one-off keys.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** The cached value for `key`, computing and caching it first when absent. */
  getOrCreate(key: K, create: (key: K) => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = create(key);
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
