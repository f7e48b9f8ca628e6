/**
 * The sandbox's JSON state file: read once at start, rewritten whole after changes. A write goes to a
 * temporary file in the same directory and is renamed over the old one, so a crash leaves either the old
 * state or the new one, never half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UserError } from '../domain/errors.js';
import type { Customer } from './customer-record.js';
import type { StateSnapshot } from './store.js';

// Customers are the sandbox's own output: check the frame and the fields the indexes rely on.
const SnapshotSchema = z.object({
  version: z.literal(1),
  nextId: z.number().int().min(1),
  customers: z.array(
    z.looseObject({
      id: z.number().int(),
      customerId: z.string(),
      uniqueRefNo: z.string().nullable(),
      legalName: z.string(),
    }),
  ),
});

/** null when the file does not exist yet. */
export async function readStateFile(path: string): Promise<StateSnapshot | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`sandbox: cannot read the state file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`sandbox: the state file ${path} is not valid JSON; move it away to start afresh`);
  }
  const parsed = SnapshotSchema.safeParse(json);
  if (!parsed.success) {
    throw new UserError(
      `sandbox: the state file ${path} is not a sandbox state file (${parsed.error.message})`,
    );
  }
  return { ...parsed.data, customers: parsed.data.customers as unknown as Customer[] };
}

export async function writeStateFileAtomic(path: string, snapshot: StateSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await open(temp, 'w');
    try {
      await file.writeFile(JSON.stringify(snapshot));
      // The rename must not become visible before the data it points at is on disk.
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Coalesces bursts of changes into one write. The delay grows with the cost of the last write, so a large
 * state never spends more than about a fifth of the time being serialised.
 */
export class DebouncedWriter {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private dirty = false;
  private lastWriteMs = 0;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly minDelayMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  markDirty(): void {
    this.dirty = true;
    if (!this.timer && !this.running) this.arm();
  }

  /** Writes whatever is pending and waits for it; a failed write is reported once, not retried here. */
  async flush(): Promise<void> {
    this.disarm();
    while (this.running || this.dirty) {
      if (this.running) await this.running;
      else if (!(await this.runOnce())) break;
      this.disarm();
    }
    this.disarm();
  }

  private arm(): void {
    const delayMs = Math.max(this.minDelayMs, this.lastWriteMs * 4);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce();
    }, delayMs);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** false when the write failed (the change stays pending for the next timer). */
  private async runOnce(): Promise<boolean> {
    if (!this.dirty || this.running) return true;
    this.dirty = false;
    let succeeded = true;
    const started = performance.now();
    this.running = this.write().catch((err: unknown) => {
      succeeded = false;
      this.dirty = true;
      this.onError(err);
    });
    await this.running;
    this.running = null;
    const tookMs = performance.now() - started;
    // After a failure (disk full, directory gone) back off instead of retrying every few milliseconds.
    this.lastWriteMs = succeeded ? tookMs : Math.min(Math.max(this.lastWriteMs * 2, 250), 15_000);
    if (this.dirty && !this.timer) this.arm();
    return succeeded;
  }
}
