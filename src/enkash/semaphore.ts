/** A counting semaphore whose waiters leave the queue when their AbortSignal fires. */
export type Release = () => void;

type Waiter = { grant: () => void };

export class Semaphore {
  private available: number;
  private readonly waiters: Waiter[] = [];

  constructor(permits: number) {
    this.available = permits;
  }

  async acquire(signal?: AbortSignal): Promise<Release> {
    signal?.throwIfAborted();
    if (this.available > 0) {
      this.available -= 1;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return this.releaser();
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // A permit passes straight to the next waiter, so a newcomer cannot overtake the queue.
      if (next) next.grant();
      else this.available += 1;
    };
  }
}
