/**
 * Fixing rows of a finished import in place (the web page's grid): list the rows to fix, check an edited
 * row, send the fixed rows as a follow-up import linked to the first (`options.fixOf`).
 *
 * One source of truth: an edited row is checked by the ingest's own code — the import's column map (read
 * again from its file with its options and reading), the row validation (toParsedRow: normalisation and
 * every field rule) and the duplicate check against every other row of the file — never by a second
 * copy of the rules.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rowLabel, sheetRow } from '../domain/sheet-rows.js';
import type { ParsedRow } from '../domain/types.js';
import type { ReadingPlan } from '../ingest/plan/reading-plan.js';
import { planReading } from '../ingest/plan/reading-plan.js';
import { DuplicateTracker } from '../ingest/validate/duplicates.js';
import { toParsedRow } from '../ingest/validate/validate-row.js';
import type { ImportMeta } from '../queue/import-store.js';
import { CRLF, UTF8_BOM, csvField } from '../report/csv-format.js';
import { fixLogPath, type FixChange, type FixLog } from '../report/fixes-report.js';
import {
  FixRefused,
  cellError,
  listRowsToFix,
  originalCells,
  resultsToFix,
  rowIdOf,
  sheetOf,
  withFixSource,
  type CellError,
  type FixSource,
  type FixSourceDeps,
} from './fix-source.js';
import type { ImportService, Submitted } from './import-service.js';

export { FixRefused };

/** An edited row: its number on its sheet, and its cells by column key (a column left out keeps its cell). */
export type RowEdit = { row: number; sheet?: string | undefined; cells: Record<string, string> };

export type RowCheck = {
  row: number;
  sheet?: string;
  ok: boolean;
  errors: CellError[];
  warnings: string[];
};

type Checked = RowCheck & { id: number; values: string[]; original: Record<string, string> };

export type FixServiceDeps = FixSourceDeps & { imports: ImportService };

export class FixService {
  constructor(private readonly deps: FixServiceDeps) {}

  /** The import's columns and one page of its rows to fix (`total`: all of them). */
  rowsToFix(meta: ImportMeta, page: { offset: number; limit: number }) {
    return withFixSource(this.deps, meta, async (source) => ({
      columns: source.columns.map(({ key, header, letter, field }) => ({ key, header, letter, field })),
      ...(await listRowsToFix(source, this.deps.store, page)),
    }));
  }

  /** The edited rows as the import would read them now. */
  async check(meta: ImportMeta, edits: readonly RowEdit[]): Promise<RowCheck[]> {
    const checked = await withFixSource(this.deps, meta, (source) => this.checkEdits(source, edits));
    return checked.map(({ row, sheet, ok, errors, warnings }) => ({
      row,
      ...(sheet === undefined ? {} : { sheet }),
      ok,
      errors,
      warnings,
    }));
  }

  /**
   * Every row checked again (a row still invalid refuses the whole request, naming row and column), then
   * one CSV in the file's own columns (kept in `uploadDir`) submitted as a follow-up import with the first
   * one's options, and its change log beside it.
   */
  async submit(
    meta: ImportMeta,
    edits: readonly RowEdit[],
    who: { by: string; uploadDir: string },
  ): Promise<Submitted & { fixed: number }> {
    if (edits.length === 0) throw new FixRefused(400, 'NO_ROWS', 'send at least one fixed row');
    const at = new Date().toISOString();
    const { checked, columns } = await withFixSource(this.deps, meta, async (source) => ({
      checked: await this.checkEdits(source, edits),
      columns: source.columns,
    }));
    const bad = checked.filter((c) => !c.ok);
    if (bad.length > 0) throw new FixRefused(400, 'STILL_INVALID', stillInvalid(meta, bad));
    const stem = meta.fileName.replace(/\.[^.]+$/, '') || 'customers';
    const fileName = `${stem}-fixes.csv`;
    const filePath = join(who.uploadDir, `${randomName()}-fixes.csv`);
    const lines = checked.map((c) => c.values.map(csvField).join(',') + CRLF);
    const header = columns.map((c) => csvField(c.header)).join(',') + CRLF;
    await writeFile(filePath, UTF8_BOM + header + lines.join(''), { mode: 0o600, flag: 'wx' });
    const log = changeLog(meta.id, checked, columns, who.by, at);
    await writeFile(fixLogPath(filePath), `${JSON.stringify(log, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    const discard = () =>
      Promise.all([rm(filePath, { force: true }), rm(fixLogPath(filePath), { force: true })]);
    try {
      const submitted = await this.deps.imports.submitOnce({
        filePath,
        fileName,
        origin: 'api',
        submittedBy: who.by,
        options: await this.followUpOptions(meta),
      });
      if (submitted.duplicate) await discard();
      return { ...submitted, fixed: checked.length };
    } catch (err) {
      await discard();
      throw err;
    }
  }

  /**
   * The first import's options, read the same way: its reading (every column's field, as its plan shows
   * it) is given as corrections, so a follow-up of a few rows is not read differently from the file they
   * came from. A CSV has no sheets; rows are all of the follow-up's own.
   */
  private async followUpOptions(meta: ImportMeta) {
    const o = meta.options;
    const plan = await this.deps.store.getPlan<ReadingPlan>(meta.id);
    const map = { ...(plan ? planReading(plan) : {}), ...o.map };
    return {
      mode: o.mode,
      dryRun: o.dryRun,
      matchKey: o.matchKey,
      ...(o.preset ? { preset: o.preset } : {}),
      ...(o.mapping ? { mapping: o.mapping } : {}),
      ...(Object.keys(map).length > 0 ? { map } : {}),
      ...(o.approved ? { approved: true } : {}),
      fixOf: meta.id,
    };
  }

  private async checkEdits(source: FixSource, edits: readonly RowEdit[]): Promise<Checked[]> {
    const { meta, columns } = source;
    const toFix = await resultsToFix(this.deps.store, meta);
    const ids = new Map<number, RowEdit>();
    for (const edit of edits) {
      const id = rowIdOf(meta, edit.row, edit.sheet);
      const label = rowLabel(id, sheetOf(meta, id));
      if (!toFix.has(id))
        throw new FixRefused(
          400,
          'NOT_A_ROW_TO_FIX',
          `${label} of import ${meta.id} is not a row to fix (not in errors.csv)`,
        );
      if (ids.has(id)) throw new FixRefused(400, 'ROW_TWICE', `${label} is sent twice`);
      const unknown = Object.keys(edit.cells).find((k) => !columns.some((c) => c.key === k));
      if (unknown !== undefined)
        throw new FixRefused(
          400,
          'NO_SUCH_COLUMN',
          `${label}: the file of import ${meta.id} has no column "${unknown}"`,
        );
      ids.set(id, edit);
    }
    const originals = await originalCells(source, new Set(ids.keys()));
    const tracker = await otherRows(source, ids);
    const order = [...ids.keys()].sort((a, b) => a - b);
    return order.map((id) => {
      const edit = ids.get(id) as RowEdit;
      const original = originals.get(id) ?? {};
      const values = columns.map((c) => edit.cells[c.key] ?? original[c.key] ?? '');
      const sheet = sheetOf(meta, id);
      const read = toParsedRow({ row: id, values }, source.file.columns, {
        matchKey: meta.options.matchKey,
        ...(this.deps.companyId ? { companyId: this.deps.companyId } : {}),
        sheet,
      });
      const parsed: ParsedRow = read.kind === 'valid' ? tracker.check(read) : read;
      const errors = parsed.kind === 'invalid' ? parsed.errors.map((e) => cellError(columns, e)) : [];
      return {
        id,
        row: sheetRow(id),
        ...(sheet === undefined ? {} : { sheet }),
        ok: parsed.kind === 'valid',
        errors,
        warnings: parsed.warnings ?? [],
        values,
        original,
      };
    });
  }
}

/**
 * Every valid row of the file but the edited ones, fed in file order to the ingest's own duplicate check:
 * an edited row that now has another row's match key is a duplicate of it.
 */
async function otherRows(source: FixSource, edited: ReadonlyMap<number, unknown>): Promise<DuplicateTracker> {
  const { meta } = source;
  const tracker = new DuplicateTracker(source.file.columns, meta.sheets.length > 1 ? meta.sheets : undefined);
  for await (const event of source.file.events()) {
    if (event.kind === 'row' && event.parsed.kind === 'valid' && !edited.has(event.parsed.row))
      tracker.check(event.parsed);
  }
  return tracker;
}

function stillInvalid(meta: ImportMeta, bad: readonly Checked[]): string {
  const rows = bad.map((c) => {
    const where = rowLabel(c.id, c.sheet);
    const problems = c.errors.map((e) =>
      e.column === null
        ? `${e.field}: ${e.message}`
        : `column "${e.column}" (${e.letter ?? ''}): ${e.message}`,
    );
    return `${where}: ${problems.join('; ')}`;
  });
  return `still invalid in the file of import ${meta.id}: ${rows.join(' | ')}`;
}

function changeLog(
  fixOf: string,
  checked: readonly Checked[],
  columns: FixSource['columns'],
  by: string,
  at: string,
): FixLog {
  const rows: FixLog['rows'] = [];
  const changes: FixChange[] = [];
  checked.forEach((c, i) => {
    // The follow-up's file: the header in row 1, the rows sent from row 2 in this order.
    const fixedRow = i + 2;
    const sheet = c.sheet === undefined ? {} : { sheet: c.sheet };
    rows.push({ row: c.row, ...sheet, fixedRow });
    columns.forEach((column, index) => {
      const original = c.original[column.key] ?? '';
      const value = c.values[index] ?? '';
      if (value === original) return;
      const { header, letter, field } = column;
      changes.push({
        row: c.row,
        ...sheet,
        fixedRow,
        column: header,
        letter,
        field,
        original,
        value,
        by,
        at,
      });
    });
  });
  return { fixOf, by, at, rows, changes };
}

function randomName(): string {
  return randomBytes(8).toString('hex');
}
