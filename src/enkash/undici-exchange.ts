/**
 * One request through an undici dispatcher, asking `beforeWrite` at the moment its headers are about to be
 * written on a connected socket (`onRequestStart`). `undici.request` hides that moment, and the rate
 * limiter needs it: connecting (a TLS handshake on a cold pool) can take longer than the window's safety
 * margin, and a slot must count from when the request really leaves, not from when it was granted. When
 * `beforeWrite` answers false the request is aborted unwritten and the promise rejects with
 * {@link NotWritten}.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export type RawAnswer = { status: number; headers: IncomingHttpHeaders; text: string };

/** The request was aborted before a byte of it was written, because `beforeWrite` said so. */
export class NotWritten extends Error {
  constructor() {
    super('request withdrawn before it was written');
    this.name = 'NotWritten';
  }
}

export function exchangeOnce(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  hooks: {
    signal?: AbortSignal | undefined;
    /**
     * The call's own timeout: when it runs out the request is aborted with a TimeoutError, as
     * `AbortSignal.timeout` would, and `onTimeout` is told. Its own timer, not a signal linked to the
     * caller's: a thousand calls a second each made one (an AbortSignal is a few µs and garbage).
     */
    timeoutMs?: number;
    onTimeout?: () => void;
    beforeWrite: () => boolean;
  },
): Promise<RawAnswer> {
  const { signal } = hooks;
  return new Promise<RawAnswer>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | null = null;
    let settled = false;
    /** Why the call was stopped (the caller's signal, or the timeout), once it was. */
    let stopped: { reason: Error } | undefined;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    const settle = (err: unknown, answer?: RawAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (answer) resolve(answer);
      else reject(err);
    };
    // Before onRequestStart there is no controller yet: the abort is applied when it arrives.
    const stop = (reason: Error) => {
      if (settled) return;
      stopped = { reason };
      controller?.abort(reason);
      settle(reason);
    };
    const onAbort = () => stop(signal?.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      hooks.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            if (settled) return;
            hooks.onTimeout?.();
            stop(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
          }, hooks.timeoutMs);
    // Like AbortSignal.timeout: the timer alone does not keep the process alive.
    timer?.unref();
    try {
      dispatcher.dispatch(options, {
        onRequestStart(c) {
          controller = c;
          if (stopped) return c.abort(stopped.reason);
          if (!hooks.beforeWrite()) {
            const withdrawn = new NotWritten();
            c.abort(withdrawn);
            settle(withdrawn);
          }
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

/** `?name=value&…` of the parameters that are set; '' when none is. */
export function queryString(query: Record<string, string | number | undefined> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The body parsed as JSON; undefined when empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
