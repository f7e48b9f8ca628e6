/**
 * CSV formula neutralisation (OWASP "CSV Injection"): Excel and LibreOffice evaluate a CSV cell that starts
 * with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(...)`, `-1+1`, `@SUM(A1)`), and a leading tab or
 * carriage return can hide such a cell from a naive check. A leading `'` makes the spreadsheet show the cell
 * as text.
 *
 * Decision on negative numbers: every *text* cell is neutralised, `-5` included. Telling a harmless
 * negative number from `-1+1` needs a number parser that agrees with Excel's in every locale; a visible
 * apostrophe is the cheaper mistake. Our numeric report columns (row, attempts, httpStatus) are written from
 * numbers, never negative, and are not neutralised.
 *
 * The apostrophe stays in the file: a user who fixes errors.csv and uploads it again sends `'+9198…` back.
 * Ingest undoes exactly this with {@link stripNeutralisation}.
 */

const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/** True when a spreadsheet could read the cell as a formula. */
export function needsNeutralising(value: string): boolean {
  return value.length > 0 && TRIGGERS.has(value.charAt(0));
}

/** The cell as it must appear in a CSV report: `'` + value when it could be read as a formula. */
export function neutraliseCsvCell(value: string): string {
  return needsNeutralising(value) ? `'${value}` : value;
}

/**
 * The inverse of {@link neutraliseCsvCell}, for files we wrote coming back (errors.csv re-uploaded): drops
 * one leading `'` only when a formula trigger follows it, so an ordinary `'quoted'` value is kept.
 */
export function stripNeutralisation(value: string): string {
  return value.startsWith("'") && needsNeutralising(value.slice(1)) ? value.slice(1) : value;
}
