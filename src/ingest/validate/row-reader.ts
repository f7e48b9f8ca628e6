/**
 * Reads the cells of one row through {@link checkCell}, collecting every problem and note with the
 * column named as the file writes it, its letter, and the EnKash field it feeds. One reader per row: a row
 * reports all of its problems (and all of its notes) at once.
 */
import { columnLabel, type FieldError } from '../../domain/types.js';
import type { ColumnRef } from '../column-map.js';
import type { RawValue } from '../raw-row.js';
import { columnLetter } from '../read/column-letter.js';
import { cellText } from './cell-text.js';
import { checkCell, type FieldKind } from './field-rules.js';
import type { StatusWords } from './normalise.js';

/** Longer cells are cut in messages: one stray quote in a CSV can swallow a whole file into one cell. */
const SHOWN_MAX = 120;

export function shown(text: string): string {
  return text.length <= SHOWN_MAX ? text : `${text.slice(0, SHOWN_MAX)}…`;
}

export class RowReader {
  readonly errors: FieldError[] = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly values: readonly RawValue[],
    private readonly words: StatusWords,
  ) {}

  /**
   * The value of a mapped cell: '' when no column is mapped or the cell is empty (or a placeholder);
   * undefined when the cell has a problem, which is recorded.
   */
  read(ref: ColumnRef | undefined, kind: FieldKind, field: string): string | undefined {
    if (ref === undefined) return '';
    const cell = checkCell(kind, this.values[ref.index], this.words);
    if (!cell.ok) {
      this.fail(ref, field, cell.text, cell.problem);
      return undefined;
    }
    if (cell.warning !== undefined) this.warn(ref, field, cell.text, cell.warning);
    return typeof cell.value === 'string' ? cell.value : String(cell.value);
  }

  /** The cell as read, whatever its problems: for messages and the report's identifying columns. */
  textOf(ref: ColumnRef | undefined): string {
    if (ref === undefined) return '';
    return cellText(this.values[ref.index], 'text').text.trim();
  }

  /** A problem with the cell of `ref` (no column: the field has none in the file, named by `field`). */
  fail(ref: ColumnRef | undefined, field: string, value: string, problem: string): void {
    const error: FieldError = { column: ref?.header ?? field, field, value: shown(value), problem };
    if (ref !== undefined) error.letter = columnLetter(ref.index);
    this.errors.push(error);
  }

  /** A note on the cell of `ref`, worded like an error: `Mobile (column F, …): "…" message`. */
  warn(ref: ColumnRef | undefined, field: string, value: string, message: string): void {
    const where = columnLabel(ref?.header ?? field, ref && columnLetter(ref.index), field);
    this.warnings.push(value === '' ? `${where}: ${message}` : `${where}: "${shown(value)}" ${message}`);
  }
}
