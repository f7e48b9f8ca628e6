/**
 * One request through an undici dispatcher, reporting the moment its headers are about to be written on
 * a connected socket (`onRequestStart`). `undici.request` hides that moment, and the rate limiter needs
 * it: connecting (a TLS handshake on a cold pool) can take longer than the window's safety margin, and a
 * slot must count from when the request really leaves, not from when it was granted.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export type RawAnswer = { status: number; headers: IncomingHttpHeaders; text: string };

export function exchangeOnce(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  hooks: { signal: AbortSignal; onSent: () => void },
): Promise<RawAnswer> {
  const { signal } = hooks;
  return new Promise<RawAnswer>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | null = null;
    let settled = false;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    const settle = (err: unknown, answer?: RawAnswer) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (answer) resolve(answer);
      else reject(err);
    };
    // Before onRequestStart there is no controller yet: the abort is applied when it arrives.
    const onAbort = () => {
      controller?.abort(signal.reason);
      settle(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      dispatcher.dispatch(options, {
        onRequestStart(c) {
          controller = c;
          if (signal.aborted) return c.abort(signal.reason);
          hooks.onSent();
        },
        onResponseStart(_c, statusCode, responseHeaders) {
          status = statusCode;
          headers = responseHeaders;
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          settle(null, { status, headers, text: Buffer.concat(chunks).toString('utf8') });
        },
        onResponseError(_c, err) {
          settle(err);
        },
      });
    } catch (err) {
      settle(err);
    }
  });
}
