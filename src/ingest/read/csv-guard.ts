/**
 * Watches the decoded text on its way to papaparse and stops a CSV whose shape would hurt us, with a
 * message that names the row and column:
 * - a quote that is never closed: papaparse has no cell-size limit and would hold (and re-scan at every
 *   chunk) the rest of the file as one cell, to report the problem only at the end;
 * - a cell, row or column count past the limits;
 * - a quoted cell with text after its closing quote (`"Sharma" Traders,…`): papaparse then keeps the cell
 *   open until some later quote that is followed by a delimiter, silently merging the rows in between,
 *   where Excel keeps them apart. We refuse rather than guess.
 * In papaparse's stream mode its own errors are dropped, so this is also our only source of quote errors.
 *
 * The quote rules mirror papaparse 5 (Parser in papaparse.js): a quote opens a cell only as its first
 * character; inside, `""` is a quote; a quote closes the cell when only whitespace (as String#trim sees
 * it) stands between it and the delimiter or line break. test/ingest/read/csv-guard.test.ts checks that the
 * two agree on record boundaries for random input.
 */
import { FileReadError } from '../raw-row.js';
import { columnLetter } from './column-letter.js';
import type { Dialect } from './dialect.js';
import { formatCount, type ReadLimits } from './limits.js';

export type GuardLimits = Pick<ReadLimits, 'maxColumns' | 'maxCellChars' | 'maxRowChars'>;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const WHITESPACE = /\s/;

const QUOTE_ADVICE =
  'Look for a stray " in that cell: a cell that starts with a quote must end with one, and a quote ' +
  'inside a quoted cell is written twice ("").';

export class CsvGuard {
  /** Record number (= Excel row) of the record being read, and 0-based column of the cell being read. */
  private row = 1;
  private col = 0;
  private fieldChars = 0;
  private rowChars = 0;
  private atFieldStart = true;
  private inQuotes = false;
  /** Text whose meaning depends on what follows (a quote or CR at the end of a chunk). */
  private carry = '';
  private readonly delimiterCode: number;
  private readonly newlineCode: number;
  private readonly crlf: boolean;

  constructor(
    private readonly fileName: string,
    private readonly dialect: Dialect,
    private readonly limits: GuardLimits,
  ) {
    this.delimiterCode = dialect.delimiter.charCodeAt(0);
    this.newlineCode = dialect.newline.charCodeAt(0);
    this.crlf = dialect.newline === '\r\n';
  }

  /** The record (= Excel row) being read: after `end()`, one more than the line breaks outside quotes. */
  get currentRow(): number {
    return this.row;
  }

  /** Checks the next piece of the file. Throws FileReadError. */
  feed(text: string): void {
    const s = this.carry.length > 0 ? this.carry + text : text;
    this.carry = '';
    this.scan(s, false);
  }

  /** The file has ended. Throws FileReadError. */
  end(): void {
    const s = this.carry;
    this.carry = '';
    this.scan(s, true);
    if (this.inQuotes)
      throw this.problem(this.unterminated('is never closed (the cell runs to the end of the file)'));
  }

  /**
   * Outside quotes the next delimiter and line break are found with indexOf and kept until passed, as
   * papaparse does: the scan then costs a few operations per cell, not per character.
   */
  private scan(s: string, final: boolean): void {
    const { delimiter, newline } = this.dialect;
    let nextDelimiter = -2;
    let nextNewline = -2;
    let i = 0;
    while (i < s.length) {
      if (this.inQuotes) {
        i = this.scanQuoted(s, i, final);
        continue;
      }
      if (this.atFieldStart && s.charCodeAt(i) === QUOTE) {
        this.inQuotes = true;
        this.atFieldStart = false;
        i++;
        continue;
      }
      this.atFieldStart = false;
      if (nextDelimiter !== -1 && nextDelimiter < i) nextDelimiter = s.indexOf(delimiter, i);
      if (nextNewline !== -1 && nextNewline < i) nextNewline = s.indexOf(newline, i);
      if (nextDelimiter !== -1 && (nextNewline === -1 || nextDelimiter < nextNewline)) {
        this.grow(nextDelimiter - i);
        this.endField();
        i = nextDelimiter + 1;
      } else if (nextNewline !== -1) {
        this.grow(nextNewline - i);
        this.endRecord();
        i = nextNewline + newline.length;
      } else if (this.crlf && !final && s.charCodeAt(s.length - 1) === CR) {
        // Maybe the first half of a CRLF: decide when the next chunk arrives.
        this.grow(s.length - 1 - i);
        this.carry = '\r';
        return;
      } else {
        this.grow(s.length - i);
        return;
      }
    }
  }

  private scanQuoted(s: string, start: number, final: boolean): number {
    const quote = s.indexOf('"', start);
    if (quote === -1) {
      this.grow(s.length - start);
      return s.length;
    }
    this.grow(quote - start);
    if (s.charCodeAt(quote + 1) === QUOTE) {
      this.grow(1);
      return quote + 2;
    }
    let j = quote + 1;
    while (j < s.length && !this.isBreak(s, j) && WHITESPACE.test(s.charAt(j))) j++;
    if (j === s.length) {
      if (!final) {
        if (j - quote > this.limits.maxCellChars) this.grow(j - quote);
        this.carry = s.slice(quote);
        return s.length;
      }
      // papaparse closes a quote that is the very last character; trailing whitespace instead leaves
      // the cell unterminated in its eyes.
      if (quote === s.length - 1) {
        this.inQuotes = false;
        return s.length;
      }
    }
    if (s.charCodeAt(j) === this.delimiterCode) {
      this.inQuotes = false;
      this.endField();
      return j + 1;
    }
    if (this.isBreak(s, j)) {
      this.inQuotes = false;
      this.endRecord();
      return j + this.dialect.newline.length;
    }
    throw this.problem(
      `the quoted cell in column ${columnLetter(this.col)} has text after its closing quote ` +
        `(like "Sharma" Traders), which spreadsheet programs read differently. Quote the whole cell and ` +
        `double the quotes inside it ("""Sharma"" Traders"), or remove the quotes.`,
    );
  }

  private isBreak(s: string, j: number): boolean {
    if (s.charCodeAt(j) === this.delimiterCode) return true;
    if (s.charCodeAt(j) !== this.newlineCode) return false;
    return !this.crlf || s.charCodeAt(j + 1) === LF;
  }

  private grow(chars: number): void {
    this.fieldChars += chars;
    if (this.fieldChars > this.limits.maxCellChars) {
      throw this.problem(
        this.inQuotes
          ? this.unterminated(`is not closed within ${formatCount(this.limits.maxCellChars)} characters`)
          : `the cell in column ${columnLetter(this.col)} is longer than ` +
              `${formatCount(this.limits.maxCellChars)} characters (Excel's limit for a cell).`,
      );
    }
    if (this.rowChars + this.fieldChars > this.limits.maxRowChars) {
      throw this.problem(`the row is longer than ${formatCount(this.limits.maxRowChars)} characters.`);
    }
  }

  private endField(): void {
    this.rowChars += this.fieldChars + 1;
    this.fieldChars = 0;
    this.col++;
    this.atFieldStart = true;
    if (this.col >= this.limits.maxColumns) {
      const shown = this.dialect.delimiter === '\t' ? 'tab' : `"${this.dialect.delimiter}"`;
      throw this.problem(
        `the row has more than ${formatCount(this.limits.maxColumns)} columns (read with ${shown} as the ` +
          `delimiter): this does not look like a customer list.`,
      );
    }
  }

  private endRecord(): void {
    this.row++;
    this.col = 0;
    this.fieldChars = 0;
    this.rowChars = 0;
    this.atFieldStart = true;
  }

  private unterminated(what: string): string {
    return `a quote opened in column ${columnLetter(this.col)} ${what}. ${QUOTE_ADVICE}`;
  }

  private problem(message: string): FileReadError {
    return new FileReadError(`${this.fileName} row ${this.row}: ${message}`, this.fileName);
  }
}
