/**
 * PGlite's connection lock: PGlite is one session, so one caller at a time holds it, from `acquire` to `release`
 * (two interleaved Kysely transactions would otherwise share the session). Waiters are served first come, first
 * served, except that urgent ones (the webhook journal, the dispatcher's wire marks) go ahead of the rest — never
 * ahead of the holder. A client is whoever releases: every caller in one thread (in-process), or one thread's port
 * (`pglite-thread.ts`); `release` from a client that does not hold the lock is ignored.
 */
export class SessionLock {
  private holder: object | null = null;
  private readonly waiters: Array<{ client: object; grant: () => void }> = [];
  private readonly urgentWaiters: Array<{ client: object; grant: () => void }> = [];

  acquire(client: object, urgent: boolean): Promise<void> {
    if (this.holder === null) {
      this.holder = client;
      return Promise.resolve();
    }
    return new Promise((grant) => (urgent ? this.urgentWaiters : this.waiters).push({ client, grant }));
  }

  release(client: object): void {
    if (this.holder !== client) return;
    const next = this.urgentWaiters.shift() ?? this.waiters.shift();
    this.holder = next?.client ?? null;
    next?.grant();
  }

  /** A client went away (its thread ended): its hold and its place in the queues go with it. */
  forget(client: object): void {
    for (const queue of [this.urgentWaiters, this.waiters])
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i]?.client === client) queue.splice(i, 1);
    this.release(client);
  }
}
