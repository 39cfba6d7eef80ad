/**
 * Items that arrive from elsewhere (NOTIFY on another connection, an event stream), and a way to wait for a
 * condition on them that is checked when an item arrives — not by polling. The timeout only turns a missing
 * item into a clear failure (a loaded machine may take seconds to deliver).
 */
export class Arrivals<T> {
  readonly items: T[] = [];
  private waiters: Array<{ test: (items: T[]) => boolean; resolve: () => void }> = [];

  push(...items: T[]): void {
    this.items.push(...items);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(this.items)) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once `test(items)` holds (at once if it already does); rejects after `timeoutMs`. */
  waitFor(test: (items: T[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (test(this.items)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ test, resolve: done });
    });
  }
}
