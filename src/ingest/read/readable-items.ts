/**
 * Items of an object-mode stream as an async iterator, mapped (and filtered) on the way. The same as
 * `for await (const x of stream)` plus an async generator around it, minus one async layer per item: at a
 * million rows that layer costs a tenth of the CSV reader's time.
 */
import type { Readable } from 'node:stream';

/**
 * `map` returns undefined to skip an item; an exception from `map` destroys the stream and is rethrown.
 * `mapError` turns the stream's errors into the caller's.
 */
export function readableItems<T, U>(
  stream: Readable,
  map: (item: T) => U | undefined,
  mapError: (err: unknown) => unknown = (err) => err,
): AsyncIterableIterator<U> {
  let failure: unknown = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  stream.on('readable', notify);
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('error', (err) => {
    failure ??= mapError(err);
    notify();
  });
  stream.on('close', () => {
    if (!ended) failure ??= new Error('the stream closed before its end');
    notify();
  });

  const iterator: AsyncIterableIterator<U> = {
    async next() {
      for (;;) {
        if (failure) throw failure;
        for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null) {
          let mapped: U | undefined;
          try {
            mapped = map(item);
          } catch (err) {
            stream.destroy();
            throw err;
          }
          if (mapped !== undefined) return { value: mapped, done: false };
        }
        if (failure) throw failure;
        if (ended) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return() {
      ended = true;
      stream.destroy();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
