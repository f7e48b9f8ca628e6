/**
 * CSV → raw rows. Bytes are decoded first (decode.ts), checked by CsvGuard, then parsed by papaparse's
 * Node duplex, which honours backpressure: memory stays flat however long the file is.
 *
 * Row numbers: Excel shows one row per record, a line break inside a quoted cell included, so record n of
 * the file is row n. Rows whose cells are all empty are not yielded (they still count).
 */
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Transform, pipeline, type Duplex } from 'node:stream';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { stripNeutralisation } from '../../domain/neutralise.js';
import { FileReadError, type RawRow, type RowSource } from '../raw-row.js';
import { columnLetter } from './column-letter.js';
import { CsvGuard } from './csv-guard.js';
import { createDecoder, createTextCheck, detectEncoding, type CsvEncoding } from './decode.js';
import { detectDialect, sepDirective, type Dialect } from './dialect.js';
import { formatCount, type ReadLimits } from './limits.js';
import { readableItems } from './readable-items.js';
import { SAFE_STREAM_FLAGS } from './safe-open.js';

/** Decoded text used to detect the delimiter and line ending. */
const SAMPLE_BYTES = 64 * 1024;
/** Rows papaparse may parse ahead of the consumer (see widenRowBuffer). */
const PARSER_ROW_BUFFER = 256;
/** Bytes per read: large enough that per-chunk costs vanish, small enough to yield to the event loop often. */
const READ_CHUNK_BYTES = 64 * 1024;

type CsvPlan = {
  path: string;
  fileName: string;
  encoding: CsvEncoding;
  /** Where the text starts: after the BOM and any `sep=` line. */
  startByte: number;
  dialect: Dialect;
  limits: ReadLimits;
};

export async function openCsv(
  path: string,
  fileName: string,
  file: FileHandle,
  head: Buffer,
  limits: ReadLimits,
): Promise<RowSource> {
  const { encoding, bomBytes } = await detectEncoding(file, head);
  const sample = await readSample(file, bomBytes, encoding);
  const sep = sepDirective(sample.text);
  const text = sep ? sample.text.slice(sep.line.length) : sample.text;
  const dialect = detectDialect(text, sample.complete, sep?.delimiter);
  const startByte =
    bomBytes + (sep ? iconv.encode(sep.line, encoding === 'utf-8-bom' ? 'utf-8' : encoding).length : 0);
  const plan: CsvPlan = { path, fileName, encoding, startByte, dialect, limits };
  return {
    info: { format: 'csv', fileName, encoding, delimiter: dialect.delimiter, newline: dialect.newline },
    // The file is opened when iteration starts, so a rows() that is never iterated holds nothing open.
    rows: (signal) => ({ [Symbol.asyncIterator]: () => readCsvRows(plan, signal) }),
  };
}

async function readSample(
  file: FileHandle,
  bomBytes: number,
  encoding: CsvEncoding,
): Promise<{ text: string; complete: boolean }> {
  const buffer = Buffer.alloc(SAMPLE_BYTES);
  const { bytesRead } = await file.read(buffer, 0, SAMPLE_BYTES, bomBytes);
  const complete = bytesRead < SAMPLE_BYTES;
  const decoder = createDecoder(encoding);
  const text = decoder.write(buffer.subarray(0, bytesRead));
  return { text: complete ? text + decoder.end() : text, complete };
}

function readCsvRows(plan: CsvPlan, signal?: AbortSignal): AsyncIterableIterator<RawRow> {
  signal?.throwIfAborted();
  const { dialect, limits, fileName } = plan;
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, {
    delimiter: dialect.delimiter,
    newline: dialect.newline,
    quoteChar: '"',
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    // Fast mode (chunks without quotes) re-splits the whole rest of a chunk at every resume: see below.
    fastMode: false,
  });
  widenRowBuffer(parser);
  const undecodable = { seen: false };
  pipeline(
    createReadStream(plan.path, {
      flags: SAFE_STREAM_FLAGS,
      start: plan.startByte,
      highWaterMark: READ_CHUNK_BYTES,
    }),
    checkedText(plan, undecodable),
    parser,
    () => {
      // Errors reach the iterator through `parser`, which pipeline destroys with the same error.
    },
  );
  let row = 0;
  return readableItems(
    parser,
    (values: string[]): RawRow | undefined => {
      row++;
      if (isBlank(values)) return undefined;
      unneutralise(values);
      if (undecodable.seen) refuseUndecodable(values, row, plan);
      if (row > limits.maxRows) {
        throw new FileReadError(
          `${fileName} has more than ${formatCount(limits.maxRows)} rows: split it into smaller files.`,
          fileName,
        );
      }
      signal?.throwIfAborted();
      return { row, values };
    },
    (err) => asReadError(err, fileName),
  );
}

/** I/O errors (the file removed or unreadable after it was opened) as messages for the user. */
function asReadError(err: unknown, fileName: string): unknown {
  if (err instanceof FileReadError || (err instanceof Error && err.name === 'AbortError')) return err;
  const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
  return new FileReadError(`${fileName} could not be read to the end (${code}): upload it again.`, fileName);
}

/**
 * papaparse's duplex keeps Node's object-mode default of 16 buffered rows, so its parser pauses every 16
 * rows, and each resume starts a new parse of the rest of the chunk. That costs more than half the parse
 * time on a customer file and, in fast mode, makes a quote-free chunk quadratic (40,000 rows: 1.4 s instead
 * of 40 ms). papaparse has no option for it; the stream's own state does. Bounded by maxRowChars: at most
 * PARSER_ROW_BUFFER rows wait in the buffer.
 */
function widenRowBuffer(parser: Duplex): void {
  const state = (parser as unknown as { _readableState?: { highWaterMark?: unknown } })._readableState;
  if (state && typeof state.highWaterMark === 'number') state.highWaterMark = PARSER_ROW_BUFFER;
}

/**
 * Once bytes the file's encoding cannot represent have gone by (a UTF-8 file with Windows-1252 rows pasted
 * in, a damaged file), the decoder has turned them into U+FFFD: sent on, the name would reach EnKash
 * altered. The file is refused at the first row holding one, with its row and column.
 */
function refuseUndecodable(values: string[], row: number, plan: CsvPlan): void {
  const col = values.findIndex((v) => v.includes('\uFFFD'));
  if (col < 0) return;
  const encoding = plan.encoding === 'utf-8-bom' ? 'UTF-8' : plan.encoding.toUpperCase();
  throw new FileReadError(
    `${plan.fileName} row ${row}: the cell in column ${columnLetter(col)} holds characters that could not ` +
      `be read as ${encoding} (shown as \uFFFD): the file mixes text encodings or is damaged. Save it again ` +
      'from Excel as "CSV UTF-8 (Comma delimited)" and check that cell.',
    plan.fileName,
  );
}

/**
 * Bytes → text chunks (strings, so papaparse never decodes a split character), each checked first.
 * `undecodable.seen` turns on once any bytes are not text in the file's encoding, so rows are searched for
 * U+FFFD only then (a U+FFFD written in the file itself is the user's text and is read as it is).
 */
function checkedText(plan: CsvPlan, undecodable: { seen: boolean }): Transform {
  const decoder = createDecoder(plan.encoding);
  const isText = createTextCheck(plan.encoding);
  const guard = new CsvGuard(plan.fileName, plan.dialect, plan.limits);
  return new Transform({
    readableObjectMode: true,
    transform(bytes: Buffer, _encoding, done) {
      try {
        if (!undecodable.seen && !isText(bytes, false)) undecodable.seen = true;
        const text = decoder.write(bytes);
        guard.feed(text);
        done(null, text.length > 0 ? text : undefined);
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        if (!undecodable.seen && !isText(Buffer.alloc(0), true)) undecodable.seen = true;
        const text = decoder.end();
        guard.feed(text);
        guard.end();
        done(null, text.length > 0 ? text : undefined);
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

/**
 * Our reports write `'=…` for a cell that starts like a formula (domain/neutralise.ts); errors.csv is meant
 * to be fixed and uploaded again, so that apostrophe is dropped here, or EnKash would receive it as part
 * of the name. Only before a formula character: an ordinary `'quoted'` value is kept.
 */
function unneutralise(values: string[]): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as string;
    if (value.charCodeAt(0) === 39 /* ' */) values[i] = stripNeutralisation(value);
  }
}

function isBlank(values: string[]): boolean {
  for (const value of values) if (value !== '') return false;
  return true;
}
