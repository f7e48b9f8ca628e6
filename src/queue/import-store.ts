/**
 * An import's state in Redis: a meta hash (state, counts, timings) and a results hash (row → sealed
 * RowResult). Recording a result is idempotent (HSETNX): a row job that runs twice counts once, and the
 * report has exactly one line per row.
 */
import type { Redis } from 'ioredis';
import { isTerminal, statesLeadingTo, type ImportState } from '../domain/import-lifecycle.js';
import {
  OUTCOMES,
  type MatchKeyField,
  type Outcome,
  type RowResult,
  type SyncMode,
} from '../domain/types.js';
import { RedisScript } from '../redis/redis-script.js';
import { rowId } from '../domain/sheet-rows.js';
import { importKeys } from './keys.js';
import type { Sealer } from './sealer.js';

export type ImportOptions = {
  mode: SyncMode;
  dryRun: boolean;
  matchKey: MatchKeyField;
  preset?: string;
  /** Path of a mapping file (JSON). */
  mapping?: string;
  sheet?: string;
  reportDir: string;
  /** The import this one retries the failed rows of. */
  retryOf?: string;
  /** A revert: the import whose writes it undoes (src/sync/revert-job.ts). */
  revertOf?: string;
  /** The cancelled import whose unsent rows this one sends (resume; with onlyRows). */
  resumeOf?: string;
  /** A follow-up of rows fixed in the page: the import they were rows of (src/sync/fix-rows.ts). */
  fixOf?: string;
  /** Only these rows are synced (retry-failed, resume); other rows are left out of the report. */
  onlyRows?: number[];
  /** Corrections to the reading, header → field or null (`--map`, `PUT /imports/{id}/mapping`). */
  map?: Record<string, string | null>;
  /**
   * Held for review before any write even when the reading is not in doubt (the page's "review before
   * applying", `sync --review`): the plan carries the doubt `asked`. A dry run is never held.
   */
  review?: boolean;
  /** The reading plan is accepted as it is (`--yes`, an approval): doubts do not hold the import. */
  approved?: boolean;
};

export type ImportMeta = {
  id: string;
  state: ImportState;
  /** `revert`: reads no file; undoes what another import wrote. */
  kind: 'sync' | 'validate' | 'revert';
  origin: string;
  fileName: string;
  filePath: string;
  options: ImportOptions;
  createdAt: string;
  startedAt?: string;
  parsedAt?: string;
  finishedAt?: string;
  /** Rows read so far (blank and totals rows excluded). */
  parsed: number;
  /** Rows read in all; known once parsing is over. */
  total: number | null;
  done: number;
  counts: Record<Outcome, number>;
  blankRows: number;
  totalsRows: number;
  lastRow: number;
  headers: string[];
  /** XLSX: the sheet the import read (the first, when it read several). */
  sheet?: string;
  /** XLSX: the sheets read, in order, when there are several (src/domain/sheet-rows.ts); else empty. */
  sheets: string[];
  /** Per sheet read: the last row number (import-wide) parsed on it; empty for one sheet. */
  sheetEnds: number[];
  /** The sheets read have differing columns: errors.csv cannot show them under one header. */
  columnsDiffer: boolean;
  warnings: string[];
  error?: string;
  /** The file itself was refused (it could not be read): `error` says why. */
  refused: boolean;
  cancelRequested: boolean;
  /** Who cancelled it (an API key's name) and when, if known. */
  cancelledBy?: string;
  cancelRequestedAt?: string;
  reportDir?: string;
  /** EnKash calls made for this import, by operation. */
  calls: Record<string, number>;
  /** Why the reading is in doubt (rule: message); sealed in Redis, as the messages quote headers. */
  doubts: { rule: string; message: string }[];
  /** How many times the import was approved after a hold (each approval runs a new import job). */
  reviewRound: number;
  /** Who submitted it: an API key's name, `watch`, `schedule:<job>` or `cli`. */
  submittedBy: string;
  /** API keys whose identical upload joined this import (they may see it too). */
  joinedBy: string[];
};

const RECORD_RESULTS = RedisScript.load('recordResults-2');
const FINISH_PARSING = RedisScript.load('finishParsing-1');

/**
 * Free text about a file can quote its cells (a data row taken for the header row, a bad cell): these
 * fields are sealed like row data, whatever masking their messages already had.
 */
const SEALED_FIELDS = ['error', 'warnings', 'headers', 'doubts'] as const;
const SEALED_MARK = 'sealed:';

export class ImportStore {
  private readonly keys: ReturnType<typeof importKeys>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly sealer: Sealer,
    private readonly retentionSec: number,
  ) {
    this.keys = importKeys(prefix);
  }

  async create(
    meta: Pick<ImportMeta, 'id' | 'kind' | 'origin' | 'fileName' | 'filePath' | 'options'> & {
      submittedBy?: string;
      /** False for an import run on another's behalf (a held import's counting dry run): not in the list. */
      listed?: boolean;
    },
  ) {
    const createdAt = new Date().toISOString();
    const m = this.redis.multi().hset(this.keys.meta(meta.id), {
      id: meta.id,
      state: 'queued',
      kind: meta.kind,
      origin: meta.origin,
      fileName: meta.fileName,
      filePath: meta.filePath,
      options: JSON.stringify(meta.options),
      submittedBy: meta.submittedBy ?? meta.origin,
      createdAt,
      parsed: 0,
      done: 0,
    });
    // Unlisted: kept for the retention period from the start, as nothing lists it to expire it by.
    if (meta.listed === false) m.expire(this.keys.meta(meta.id), this.retentionSec);
    else m.zadd(this.keys.index, Date.parse(createdAt), meta.id);
    // The list forgets imports older than the retention: their state has expired by now.
    await m
      .zremrangebyscore(this.keys.index, '-inf', Date.parse(createdAt) - this.retentionSec * 1000)
      .exec();
  }

  async get(id: string): Promise<ImportMeta | null> {
    const h = await this.redis.hgetall(this.keys.meta(id));
    if (!h.id) return null;
    const counts = Object.fromEntries(OUTCOMES.map((o) => [o, Number(h[`out:${o}`] ?? 0)])) as Record<
      Outcome,
      number
    >;
    const calls = Object.fromEntries(
      Object.entries(h)
        .filter(([k]) => k.startsWith('calls:'))
        .map(([k, v]) => [k.slice(6), Number(v)]),
    );
    const joinedBy = Object.keys(h)
      .filter((k) => k.startsWith('joined:'))
      .map((k) => k.slice(7));
    return {
      id: h.id,
      submittedBy: h.submittedBy ?? h.origin ?? 'cli',
      joinedBy,
      state: h.state as ImportState,
      kind: (h.kind ?? 'sync') as ImportMeta['kind'],
      origin: h.origin ?? 'cli',
      fileName: h.fileName ?? '',
      filePath: h.filePath ?? '',
      options: JSON.parse(h.options ?? '{}') as ImportOptions,
      createdAt: h.createdAt ?? '',
      startedAt: h.startedAt,
      parsedAt: h.parsedAt,
      finishedAt: h.finishedAt,
      parsed: Number(h.parsed ?? 0),
      total: h.total === undefined ? null : Number(h.total),
      done: Number(h.done ?? 0),
      counts,
      blankRows: Number(h.blankRows ?? 0),
      totalsRows: Number(h.totalsRows ?? 0),
      lastRow: Number(h.lastRow ?? 0),
      headers: JSON.parse(this.unseal(h.headers) ?? '[]') as string[],
      sheet: h.sheet,
      sheets: JSON.parse(h.sheets ?? '[]') as string[],
      sheetEnds: JSON.parse(h.sheetEnds ?? '[]') as number[],
      columnsDiffer: h.columnsDiffer === '1',
      warnings: JSON.parse(this.unseal(h.warnings) ?? '[]') as string[],
      error: this.unseal(h.error),
      refused: h.refused === '1',
      cancelRequested: h.cancelRequested === '1',
      cancelledBy: h.cancelledBy,
      cancelRequestedAt: h.cancelRequestedAt,
      reportDir: h.reportDir,
      calls,
      doubts: JSON.parse(this.unseal(h.doubts) ?? '[]') as ImportMeta['doubts'],
      reviewRound: Number(h.reviewRound ?? 0),
    };
  }

  /** The reading plan, sealed: it holds sample values from the file (personal data). */
  async setPlan(id: string, plan: unknown, doubts: ImportMeta['doubts']) {
    await this.redis.hset(
      this.keys.meta(id),
      this.sealFields({ plan: this.sealer.seal(plan), doubts: JSON.stringify(doubts) }),
    );
  }

  /** The reading plan; `labels`: the file's column labels (IngestedFile's), sealed the same way. */
  async getPlan<T>(id: string, field: 'plan' | 'labels' = 'plan'): Promise<T | null> {
    const sealed = await this.redis.hget(this.keys.meta(id), field);
    return sealed ? this.sealer.open<T>(sealed) : null;
  }

  async setOptions(id: string, options: ImportOptions) {
    await this.redis.hset(this.keys.meta(id), { options: JSON.stringify(options) });
  }

  async list(offset: number, limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.keys.index, offset, offset + limit - 1);
  }

  async state(id: string): Promise<ImportState | null> {
    return (await this.redis.hget(this.keys.meta(id), 'state')) as ImportState | null;
  }

  async cancelRequested(id: string): Promise<boolean> {
    return (await this.redis.hget(this.keys.meta(id), 'cancelRequested')) === '1';
  }

  /**
   * An import that ends (failed included: a refused file, a job out of attempts) is kept for the
   * retention period from then on, like one whose report was written.
   */
  async setState(id: string, state: ImportState, extra: Record<string, string | number> = {}) {
    const m = this.redis.multi().hset(this.keys.meta(id), this.sealFields({ state, ...extra }));
    if (isTerminal(state)) {
      m.expire(this.keys.meta(id), this.retentionSec)
        .expire(this.keys.results(id), this.retentionSec)
        .expire(this.keys.diffs(id), this.retentionSec);
    }
    await m.exec();
  }

  /** An identical upload by another key joined this import: that key may see it too. */
  async addJoiner(id: string, name: string) {
    await this.redis.hset(this.keys.meta(id), `joined:${name}`, 1);
  }

  async set(id: string, fields: Record<string, string | number>) {
    await this.redis.hset(this.keys.meta(id), this.sealFields(fields));
  }

  private sealFields(fields: Record<string, string | number>): Record<string, string | number> {
    const out = { ...fields };
    for (const name of SEALED_FIELDS) {
      const value = out[name];
      if (value !== undefined) out[name] = SEALED_MARK + this.sealer.seal(String(value));
    }
    return out;
  }

  /** Values written before fields were sealed are read as they are. */
  private unseal(value: string | undefined): string | undefined {
    if (value === undefined || !value.startsWith(SEALED_MARK)) return value;
    return this.sealer.open<string>(value.slice(SEALED_MARK.length));
  }

  async addCounts(id: string, counts: Record<string, number>) {
    const m = this.redis.multi();
    for (const [field, n] of Object.entries(counts)) if (n !== 0) m.hincrby(this.keys.meta(id), field, n);
    await m.exec();
  }

  /** Records results (first write wins). `complete` is true when every row read has a result. */
  async recordResults(id: string, results: RowResult[]): Promise<{ added: number; complete: boolean }> {
    if (results.length === 0) return { added: 0, complete: false };
    const args: (string | number)[] = [results.length];
    for (const r of results) args.push(r.row, this.sealer.seal(r), r.outcome);
    const [added, , complete] = (await RECORD_RESULTS.run(
      this.redis,
      [this.keys.meta(id), this.keys.results(id)],
      args,
    )) as [number, number, number];
    return { added, complete: complete === 1 };
  }

  async hasResult(id: string, row: number): Promise<boolean> {
    return (await this.redis.hexists(this.keys.results(id), String(row))) === 1;
  }

  /** Which of these rows already have a result (a re-run of the parse job skips them). */
  async rowsWithResults(id: string, rows: number[]): Promise<Set<number>> {
    if (rows.length === 0) return new Set();
    const values = await this.redis.hmget(this.keys.results(id), ...rows.map(String));
    return new Set(rows.filter((_, i) => values[i] !== null));
  }

  /** These rows' results in the order asked, null for a row with none (yet); resultCount: rows with one. */
  async resultsAt(id: string, rows: readonly number[]): Promise<(RowResult | null)[]> {
    const values = rows.length ? await this.redis.hmget(this.keys.results(id), ...rows.map(String)) : [];
    return values.map((v) => (v === null ? null : this.sealer.open<RowResult>(v)));
  }
  async resultCount(id: string): Promise<number> {
    return this.redis.hlen(this.keys.results(id));
  }

  /** Marks parsing over with `total` rows read; true when every row already has its result. */
  async finishParsing(id: string, total: number, lastRow: number): Promise<boolean> {
    const complete = await FINISH_PARSING.run(
      this.redis,
      [this.keys.meta(id)],
      [total, new Date().toISOString(), lastRow, 'running', ...statesLeadingTo('running')],
    );
    return complete === 1;
  }

  /**
   * Every result in row order, read in slices so a million-row import is never held whole. A workbook read
   * on several sheets numbers each sheet's rows apart (src/domain/sheet-rows.ts): each sheet's range is
   * read up to its last row, never the empty numbers between.
   */
  async *results(id: string, lastRow: number, slice = 1000, sheetEnds: readonly number[] = []) {
    const ranges = sheetEnds.length > 1 ? sheetEnds.map((end, i) => [rowId(i, 1), end]) : [[1, lastRow]];
    for (const [first = 1, last = 0] of ranges) {
      for (let start = first; start <= last; start += slice) {
        const rows = Array.from({ length: Math.min(slice, last - start + 1) }, (_, i) => String(start + i));
        const values = await this.redis.hmget(this.keys.results(id), ...rows);
        for (const v of values) if (v !== null) yield this.sealer.open<RowResult>(v);
      }
    }
  }

  /** After the report is written, the row results are only kept for the retention period. */
  async expire(id: string) {
    await this.redis
      .multi()
      .expire(this.keys.results(id), this.retentionSec)
      .expire(this.keys.diffs(id), this.retentionSec)
      .expire(this.keys.meta(id), this.retentionSec)
      .exec();
  }
}
