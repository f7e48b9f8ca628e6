/**
 * The delimiter and line ending of a CSV, from a sample of its start. papaparse guesses the delimiter from
 * its first chunk, but a title block ("ACME Pvt Ltd — Customer Master, FY 2025-26") above the header has
 * few or no delimiters and can mislead it; here every candidate is scored on how consistently it splits
 * the sample's records, with quoted parts ignored.
 */

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];
export type Newline = '\n' | '\r\n' | '\r';

export type Dialect = { delimiter: Delimiter; newline: Newline };

/** Records looked at per candidate delimiter. */
const SAMPLE_RECORDS = 50;

/**
 * Excel's `sep=;` first line names the delimiter; Excel hides that line, so the rows after it keep the
 * numbers Excel shows only if we skip it too.
 */
const SEP_DIRECTIVE = /^sep=(.)(?:\r\n|\n|\r)/i;

/** The `sep=` line at the start of a sample, when it names one of our delimiters. */
export function sepDirective(sample: string): { delimiter: Delimiter; line: string } | null {
  const match = SEP_DIRECTIVE.exec(sample);
  const delimiter = DELIMITERS.find((d) => d === match?.[1]);
  return match && delimiter ? { delimiter, line: match[0] } : null;
}

/** `complete`: the sample is the whole file (so its last record is not cut short). */
export function detectDialect(sample: string, complete: boolean, delimiter?: Delimiter): Dialect {
  const newline = detectNewline(sample);
  if (delimiter) return { delimiter, newline };
  let best: { delimiter: Delimiter; lines: number; fields: number } = { delimiter: ',', lines: 0, fields: 1 };
  for (const delimiter of DELIMITERS) {
    const counts = fieldCounts(sample, delimiter, newline, complete);
    const { value: fields, frequency: lines } = mode(counts.filter((n) => n > 1));
    if (lines > best.lines || (lines === best.lines && lines > 0 && fields > best.fields)) {
      best = { delimiter, lines, fields };
    }
  }
  return { delimiter: best.delimiter, newline };
}

/**
 * CRLF only → CRLF; bare CR only → CR (old Mac exports); any bare LF → LF. With mixed endings LF is the
 * safe choice: a CRLF line then keeps a trailing CR in its last cell (trimmed by normalisation), whereas
 * choosing CRLF would glue every bare-LF line to the next one.
 */
export function detectNewline(sample: string): Newline {
  let crlf = 0;
  let cr = 0;
  let lf = 0;
  let quoted = false;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 0x0d) {
      if (sample.charCodeAt(i + 1) === 0x0a) {
        crlf++;
        i++;
      } else if (i + 1 < sample.length) cr++;
    } else if (c === 0x0a) lf++;
  }
  if (lf > 0) return '\n';
  if (crlf > 0) return '\r\n';
  return cr > 0 ? '\r' : '\n';
}

/** Fields per record for one delimiter, quote-aware, blank records skipped. */
function fieldCounts(sample: string, delimiter: string, newline: Newline, complete: boolean): number[] {
  const counts: number[] = [];
  let fields = 1;
  let blank = true;
  let atFieldStart = true;
  let quoted = false;
  for (let i = 0; i < sample.length && counts.length < SAMPLE_RECORDS; i++) {
    const ch = sample[i];
    if (quoted) {
      if (ch === '"') quoted = sample[i + 1] === '"' ? (i++, true) : false;
      continue;
    }
    if (ch === '"' && atFieldStart) {
      quoted = true;
      blank = false;
      atFieldStart = false;
    } else if (ch === delimiter) {
      fields++;
      atFieldStart = true;
    } else if (sample.startsWith(newline, i)) {
      if (!blank || fields > 1) counts.push(fields);
      i += newline.length - 1;
      fields = 1;
      blank = true;
      atFieldStart = true;
    } else {
      blank = false;
      atFieldStart = false;
    }
  }
  if (complete && (!blank || fields > 1)) counts.push(fields);
  return counts;
}

function mode(values: number[]): { value: number; frequency: number } {
  const frequency = new Map<number, number>();
  let best = { value: 1, frequency: 0 };
  for (const v of values) {
    const f = (frequency.get(v) ?? 0) + 1;
    frequency.set(v, f);
    if (f > best.frequency || (f === best.frequency && v > best.value)) best = { value: v, frequency: f };
  }
  return best;
}
