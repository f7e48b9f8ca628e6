/**
 * A signal that aborts when any of its sources does, or when its time runs out: what `AbortSignal.any`
 * and `AbortSignal.timeout` give, for a signal whose user knows when it is done with it. Node 20's
 * `AbortSignal.any` keeps weak references to the new signal in every source and registers it for
 * finalization, and `AbortSignal.timeout` keeps a timer until it fires (the call's whole timeout, long
 * after a 2 ms answer): at a thousand EnKash calls a second that was a measurable share of the worker's
 * CPU, most of it in the garbage collector. Here the listeners and the timer go at {@link dispose}.
 *
 * Dispose of it when done: a source that outlives it (the import's cancel gate, shared by its rows)
 * would otherwise keep its listener.
 */
export class LinkedSignal {
  private readonly controller = new AbortController();
  private readonly sources: AbortSignal[] = [];
  private timer: NodeJS.Timeout | undefined;
  private expired = false;
  private readonly onAbort = (event: Event) => {
    this.abort((event.target as AbortSignal).reason);
  };

  constructor(sources: ReadonlyArray<AbortSignal | undefined>, timeoutMs?: number) {
    for (const source of sources) {
      if (!source) continue;
      if (source.aborted) {
        this.controller.abort(source.reason);
        return;
      }
      this.sources.push(source);
    }
    for (const source of this.sources) source.addEventListener('abort', this.onAbort);
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.expired = true;
        this.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      }, timeoutMs);
      // Like AbortSignal.timeout: the timer alone does not keep the process alive.
      this.timer.unref();
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when it aborted because its time ran out (not because a source aborted). */
  get timedOut(): boolean {
    return this.expired;
  }

  /** Stops following its sources and its timer; the signal stays as it is. */
  dispose(): void {
    clearTimeout(this.timer);
    for (const source of this.sources) source.removeEventListener('abort', this.onAbort);
    this.sources.length = 0;
  }

  private abort(reason: unknown) {
    if (this.controller.signal.aborted) return;
    this.dispose();
    this.controller.abort(reason);
  }
}
