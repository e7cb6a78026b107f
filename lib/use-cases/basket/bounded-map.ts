/**
 * A Map that holds at most `capacity` entries: setting a key makes it the newest, and the oldest goes when one too
 * many is set. What the basket keeps per event in a warm container (the last mapping read, UiTPAS's static answer)
 * is held in one, so a container that sees many events keeps a bounded memory. Our own: a few lines over Map's
 * insertion order, where an LRU library would add a dependency to the hot path's bundle for no more than this.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
