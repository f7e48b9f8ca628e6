/**
 * The invalid and failed results, kept on disk (JSON lines, in row order) between the results pass and
 * errors.csv: errors.csv needs the source rows, which can only be re-read once all failed row numbers are
 * known, and a 1,000,000-row import with every row invalid must not hold its results in memory. Only the
 * row numbers stay in memory, because `sourceRows` takes them as a Set. The spool lives in the temp folder
 * and is deleted before the folder is published.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { RowResult } from '../domain/types.js';
import { BufferedFile } from './buffered-file.js';

export class ErrorSpool {
  private readonly numbers = new Set<number>();

  private constructor(private readonly file: BufferedFile) {}

  static async create(path: string): Promise<ErrorSpool> {
    return new ErrorSpool(await BufferedFile.create(path));
  }

  get rows(): ReadonlySet<number> {
    return this.numbers;
  }

  get size(): number {
    return this.numbers.size;
  }

  async add(result: RowResult): Promise<void> {
    this.numbers.add(result.row);
    // JSON.stringify escapes newlines, so one result is one line whatever its text holds.
    await this.file.write(`${JSON.stringify(result)}\n`);
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  async abort(): Promise<void> {
    await this.file.abort();
  }

  async remove(): Promise<void> {
    await rm(this.file.path, { force: true });
  }

  /** The spooled results in row order; each call reads the file afresh. */
  async *read(): AsyncGenerator<RowResult> {
    const lines = createInterface({ input: createReadStream(this.file.path), crlfDelay: Infinity });
    try {
      for await (const line of lines) if (line) yield JSON.parse(line) as RowResult;
    } finally {
      lines.close();
    }
  }
}
