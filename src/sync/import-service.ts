/**
 * The one service every entry point calls: submit a file as an import, follow it, cancel it.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { ImportMeta, ImportOptions, ImportStore } from '../queue/import-store.js';
import { JOB_NAMES, importJobOptions, jobIds, type QueueSettings, type Queues } from '../queue/queues.js';

export type SubmitRequest = {
  filePath: string;
  /** The name the user knows the file by (defaults to the path's base name). */
  fileName?: string;
  origin: 'cli' | 'api' | 'watch' | 'schedule';
  options: Omit<ImportOptions, 'reportDir'> & { reportDir?: string };
};

const TERMINAL = new Set(['done', 'failed', 'cancelled']);

/** `imp-20261122-014523-k3j9x2`: sortable by time, safe in BullMQ job ids and folder names. */
export function newImportId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const random = randomBytes(4).readUInt32BE(0).toString(36).padStart(6, '0').slice(0, 6);
  return `imp-${stamp}-${random}`;
}

export class ImportService {
  constructor(
    private readonly store: ImportStore,
    private readonly queues: Queues,
    private readonly settings: QueueSettings,
    private readonly reportRoot: string,
  ) {}

  async submit(request: SubmitRequest): Promise<string> {
    const id = newImportId();
    const { reportDir, ...options } = request.options;
    await this.store.create({
      id,
      kind: 'sync',
      origin: request.origin,
      fileName: request.fileName ?? basename(request.filePath),
      filePath: request.filePath,
      options: { ...options, reportDir: reportDir ?? `${this.reportRoot}/${id}` },
    });
    await this.queues.imports.add(
      JOB_NAMES.import,
      { importId: id },
      importJobOptions(this.settings, jobIds.import(id)),
    );
    return id;
  }

  get(id: string): Promise<ImportMeta | null> {
    return this.store.get(id);
  }

  /**
   * Cancels the rows not yet sent: they end `skipped`; rows already synced keep their outcome, and the
   * import still ends with a full report (state `cancelled`).
   */
  async cancel(id: string): Promise<boolean> {
    const state = await this.store.state(id);
    if (!state || TERMINAL.has(state)) return false;
    await this.store.set(id, { cancelRequested: 1 });
    return true;
  }

  /** Polls until the import ends, calling `onProgress` with each reading. */
  async waitFor(
    id: string,
    onProgress: (meta: ImportMeta) => void,
    options: { pollMs?: number; signal?: AbortSignal } = {},
  ): Promise<ImportMeta> {
    for (;;) {
      const meta = await this.store.get(id);
      if (!meta) throw new Error(`import ${id} not found`);
      onProgress(meta);
      if (TERMINAL.has(meta.state)) return meta;
      if (options.signal?.aborted) return meta;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    }
  }
}
