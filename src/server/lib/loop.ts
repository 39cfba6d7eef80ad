/**
 * A background loop for the worker roles: runs `step` repeatedly while it finds work, and when it finds
 * none, waits `idleMs` or until `wake()` (a NOTIFY from another process, a local enqueue). Errors are
 * reported and the loop continues after a pause. Tests don't use loops: they call the drain functions.
 */
export class WorkLoop {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private done: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly step: () => Promise<number>,
    private readonly opts: {
      idleMs: number;
      onError: (err: unknown, name: string) => void;
      /**
       * After a step that found some work but less than `fullBatch`, wait this long before the next one, so
       * work arriving in a steady trickle is taken in fewer, larger batches (each batch has a fixed cost).
       */
      coalesce?: { fullBatch: number; waitMs: number };
    },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.done;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let found = 0;
      try {
        found = await this.step();
      } catch (err) {
        this.opts.onError(err, this.name);
        await this.pause(Math.max(this.opts.idleMs, 1000));
        continue;
      }
      if (found === 0 && this.running) await this.pause(this.opts.idleMs);
      else if (this.opts.coalesce && found < this.opts.coalesce.fullBatch && this.running) {
        await this.pause(this.opts.coalesce.waitMs, false);
      }
    }
  }

  /** Waits `ms`; `wakeable` pauses end early on `wake()` (coalescing pauses don't, except to stop). */
  private pause(ms: number, wakeable = true): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        if (!wakeable && this.running) return;
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }
}

/**
 * `items.map(fn)` in slices of `slice` items, giving the event loop back between slices (`setImmediate`): CPU work
 * over a batch of hundreds (parsing webhook bodies, analysing texts) then holds up the acknowledgement of a webhook
 * that arrives meanwhile for one slice's time, not the whole batch's.
 */
export async function mapInSlices<T, R>(
  items: readonly T[],
  slice: number,
  fn: (item: T) => R,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += slice) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const item of items.slice(i, i + slice)) out.push(fn(item));
  }
  return out;
}
