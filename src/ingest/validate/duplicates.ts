/**
 * Duplicates within one file: the first row with a match key is synced, every later row with the same
 * key is refused, naming the first. Two rows for one customer would otherwise both be sent, in an order
 * nobody chose, and the last one would silently win.
 *
 * Keys compare case-insensitively ("c-001" = "C-001"): whether EnKash's search tells them apart is not
 * published (enkash-api.md, Unknown 1), and updating one customer twice from one file is the worse
 * mistake. Memory: one KeyIndex per key field, off the JS heap (key-index.ts).
 */
import type { MatchKey, ParsedRow, ValidRow } from '../../domain/types.js';
import type { ColumnMap } from '../column-map.js';
import { columnLetter } from '../read/column-letter.js';
import { keyColumn } from './compiled-map.js';
import { KeyIndex } from './key-index.js';
import { rowLabel, sheetIndexOf } from '../../domain/sheet-rows.js';

export class DuplicateTracker {
  /** Per key field: upper-cased key → the row number that first had it. */
  private readonly firstRows: Record<MatchKey['field'], KeyIndex> = {
    uniqueRefNo: new KeyIndex(),
    panOrGstin: new KeyIndex(),
    accountNumber: new KeyIndex(),
  };

  /**
   * `map`: to name the key's column as the file writes it; without it the EnKash field is named.
   * `sheets`: the sheets read, by position, when there are several: the first row is named with its sheet.
   */
  constructor(
    private readonly map?: ColumnMap,
    private readonly sheets?: readonly string[],
  ) {}

  /** Feed valid rows in file order: returns the row itself, or an InvalidRow when its key was seen. */
  check(row: ValidRow): ParsedRow {
    const first = this.firstRows[row.key.field].firstRowOr(row.key.value.toUpperCase(), row.row);
    if (first === undefined) return row;
    const ref = this.map ? keyColumn(this.map, row.key) : undefined;
    const firstRow = rowLabel(first, this.sheets?.[sheetIndexOf(first)]);
    return {
      kind: 'invalid',
      row: row.row,
      ...(row.sheet === undefined ? {} : { sheet: row.sheet }),
      uniqueRefNo: row.customer.uniqueRefNo ?? '',
      legalName: row.customer.legalName,
      errorType: 'DUPLICATE_IN_FILE',
      errors: [
        {
          column: ref?.header ?? row.key.field,
          ...(ref ? { letter: columnLetter(ref.index) } : {}),
          field: row.key.field,
          value: row.key.value,
          problem: `also appears in ${firstRow}; each customer must appear once (${firstRow} is synced, this row is not)`,
        },
      ],
      // The row's own notes stay with it: every problem of a row is reported.
      ...(row.warnings.length > 0 ? { warnings: row.warnings } : {}),
    };
  }

  /** Distinct keys seen so far. */
  get size(): number {
    const { uniqueRefNo, panOrGstin, accountNumber } = this.firstRows;
    return uniqueRefNo.size + panOrGstin.size + accountNumber.size;
  }
}
