/**
 * Match key → the row that first had it, for every row of a file, kept off the JS heap: keys in a
 * TextTable, and an open-addressing hash table (linear probing, at most half full) in typed arrays. A Map
 * of a million 13-character keys held ~62 MB of live heap, which V8 answered with several times that in
 * uncollected garbage. Exact: a hash match is confirmed by comparing the stored key.
 */
import { TextTable } from '../text-table.js';

const EMPTY = 0;

export class KeyIndex {
  private readonly keys = new TextTable();
  /** Per entry (the key's index in `keys`): its hash and the row that first had it. */
  private hashes = new Uint32Array(1024);
  private rows = new Uint32Array(1024);
  /** Slot → entry index + 1, or EMPTY. Its length is a power of two. */
  private slots = new Uint32Array(2048);

  get size(): number {
    return this.keys.size;
  }

  /** The row that first had `key`; or, the first time `key` is seen, records `row` and returns undefined. */
  firstRowOr(key: string, row: number): number | undefined {
    const hash = hashOf(key);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === EMPTY) {
        this.add(slot, key, hash, row);
        return undefined;
      }
      if (this.hashes[entry - 1] === hash && this.keys.get(entry - 1) === key) return this.rows[entry - 1];
    }
  }

  private add(slot: number, key: string, hash: number, row: number): void {
    const entry = this.keys.push(key);
    if (entry === this.hashes.length) {
      this.hashes = grown(this.hashes);
      this.rows = grown(this.rows);
    }
    this.hashes[entry] = hash;
    this.rows[entry] = row;
    this.slots[slot] = entry + 1;
    if (this.keys.size * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Uint32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.keys.size; entry++) {
      let slot = (this.hashes[entry] as number) & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

function grown(array: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const next = new Uint32Array(array.length * 2);
  next.set(array);
  return next;
}

/** FNV-1a over UTF-16 code units, then a final avalanche so linear probing sees well-spread low bits. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}
