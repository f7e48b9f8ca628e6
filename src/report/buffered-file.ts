/**
 * A new file written in large chunks: each chunk is awaited before more is accepted, which is all the
 * backpressure a sequential writer needs, and `close()` fsyncs so a published report survives a crash.
 */
import { open, type FileHandle } from 'node:fs/promises';

const CHUNK_CHARS = 64 * 1024;

export class BufferedFile {
  private parts: string[] = [];
  private pending = 0;
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  /** Creates the file; fails if it exists (every report file is new in a fresh temp folder). */
  static async create(path: string): Promise<BufferedFile> {
    return new BufferedFile(await open(path, 'wx'), path);
  }

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= CHUNK_CHARS) await this.flush();
  }

  /** Flushes, fsyncs and closes. */
  async close(): Promise<void> {
    await this.flush();
    await this.handle.sync();
    this.closed = true;
    await this.handle.close();
  }

  /** Closes without flushing, ignoring errors: the caller is already failing and removes the folder. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.parts = [];
    await this.handle.close().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const buffer = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.pending = 0;
    // A single write() may be partial; loop until the kernel has taken every byte.
    for (let offset = 0; offset < buffer.length;) {
      const { bytesWritten } = await this.handle.write(buffer, offset, buffer.length - offset);
      offset += bytesWritten;
    }
  }
}
