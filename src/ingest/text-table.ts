/**
 * Many strings held as UTF-8 bytes outside the JS heap, for what ingest must keep for a whole file: a
 * workbook's shared-string table (read/exceljs-reader.ts) and the match keys seen so far (key-index.ts).
 * V8 sizes its heap, and the garbage it lets pile up before collecting, from the live set: 1.2 million
 * JS strings (a 200,000-row workbook's table, ~60 MB live) let a 24 MB workbook peak at 419–464 MB RSS.
 * Here each string is bytes in a 4 MB page plus an offset and a length in typed arrays, about a third of
 * the size and none of it on the heap; a string is decoded when it is asked for.
 */

/** Strings never cross a page; a cell holds at most 32,767 characters (≤ 128 KB of UTF-8). */
const PAGE_BYTES = 4 * 1024 * 1024;

export class TextTable {
  private readonly pages: Buffer[] = [];
  /** Bytes used in the last page. */
  private used = PAGE_BYTES;
  /** Per string: page index × PAGE_BYTES + offset in the page (a table is capped far below 4 GB). */
  private starts = new Uint32Array(4096);
  private lengths = new Uint32Array(4096);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Appends a string, returning its index; `null` (an empty `<si/>`) is kept as an empty string. */
  push(text: string | null): number {
    const value = text ?? '';
    const bytes = Buffer.byteLength(value, 'utf8');
    if (this.count === this.starts.length) this.grow();
    if (this.used + bytes > PAGE_BYTES) this.newPage(bytes);
    const pageIndex = this.pages.length - 1;
    const page = this.pages[pageIndex] as Buffer;
    if (bytes > 0) page.write(value, this.used, bytes, 'utf8');
    this.starts[this.count] = pageIndex * PAGE_BYTES + this.used;
    this.lengths[this.count] = bytes;
    this.used += bytes;
    return this.count++;
  }

  /** The string at `index`, or undefined when the table has no such entry (a damaged sheet). */
  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    const start = this.starts[index] as number;
    const length = this.lengths[index] as number;
    const page = this.pages[Math.floor(start / PAGE_BYTES)] as Buffer;
    const offset = start % PAGE_BYTES;
    return page.toString('utf8', offset, offset + length);
  }

  private newPage(bytes: number): void {
    // A page holds any one string; a string longer than a page (impossible from Excel) gets its own.
    this.pages.push(Buffer.allocUnsafeSlow(Math.max(PAGE_BYTES, bytes)));
    this.used = 0;
  }

  private grow(): void {
    const starts = new Uint32Array(this.starts.length * 2);
    starts.set(this.starts);
    this.starts = starts;
    const lengths = new Uint32Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }
}
