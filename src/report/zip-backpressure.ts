/**
 * exceljs's streaming writer ignores backpressure (field notes): `row.commit()` hands the sheet XML to a
 * PassThrough that archiver reads only as fast as it can deflate and write, and nothing stops the producer.
 * Measured with exceljs 4.4: a 1,000,000-row sheet piled up ~260 MB there; waiting for that buffer to drain
 * kept the whole write under ~120 MB RSS at the same speed.
 *
 * This reaches into exceljs internals (`worksheet.stream.pipes[0]._writableState`): exceljs 4.4 is
 * unmaintained, so they will not move under us; if they ever are missing we fall back to yielding a
 * macrotask, which lets the zip make progress but bounds nothing.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

const HIGH_WATER_BYTES = 4 * 1024 * 1024;
const POLL_MS = 50;

type PipeTarget = NodeJS.EventEmitter & { _writableState?: { length?: unknown } };

function bufferedBytes(target: PipeTarget): number | undefined {
  const length = target._writableState?.length;
  return typeof length === 'number' ? length : undefined;
}

function sheetPipe(worksheet: unknown): PipeTarget | undefined {
  const stream = (worksheet as { stream?: { pipes?: unknown } }).stream;
  const first: unknown = Array.isArray(stream?.pipes) ? stream.pipes[0] : undefined;
  if (
    first &&
    typeof (first as PipeTarget).once === 'function' &&
    bufferedBytes(first as PipeTarget) !== undefined
  ) {
    return first as PipeTarget;
  }
  return undefined;
}

/** Resolves on 'drain' or after a short poll, whichever comes first (a missed event cannot hang us). */
function drainOrPoll(target: PipeTarget): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      target.removeListener('drain', done);
      resolve();
    };
    const timer = setTimeout(done, POLL_MS);
    target.once('drain', done);
  });
}

/**
 * Waits until the sheet's pending XML is under the high-water mark. `failed()` returns the write error
 * that would otherwise leave the buffer full forever.
 */
export async function waitForZip(worksheet: unknown, failed: () => Error | undefined): Promise<void> {
  const target = sheetPipe(worksheet);
  if (!target) {
    await nextTurn();
    return;
  }
  for (let bytes = bufferedBytes(target) ?? 0; bytes > HIGH_WATER_BYTES; bytes = bufferedBytes(target) ?? 0) {
    const error = failed();
    if (error) throw error;
    await drainOrPoll(target);
  }
}
