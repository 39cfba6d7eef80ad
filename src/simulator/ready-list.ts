/**
 * The webhook queue's pending updates: FIFO order with O(1) removal anywhere (a taken slot becomes a hole that
 * the head skips), so picking the first deliverable update — or a random one when reordering is injected —
 * stays cheap with tens of thousands of updates waiting during a benchmark.
 */
export class ReadyList<T> {
  private slots: (T | undefined)[] = [];
  private head = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  push(...items: T[]): void {
    for (const item of items) this.slots.push(item);
    this.live += items.length;
  }

  /** Index of the first live item at or after `from` that matches, or -1. */
  findIndex(matches: (item: T) => boolean, from = 0): number {
    for (let i = Math.max(from, this.head); i < this.slots.length; i++) {
      const item = this.slots[i];
      if (item !== undefined && matches(item)) return i;
    }
    return -1;
  }

  /** Index of a live item chosen by `r` in [0, 1) (uniform up to holes), or -1 when empty. */
  randomIndex(r: number): number {
    const span = this.slots.length - this.head;
    if (this.live === 0 || span <= 0) return -1;
    const offset = Math.floor(r * span);
    for (let k = 0; k < span; k++) {
      const i = this.head + ((offset + k) % span);
      if (this.slots[i] !== undefined) return i;
    }
    return -1;
  }

  /** Removes and returns the item at `index` (from `findIndex`/`randomIndex`). */
  take(index: number): T {
    const item = this.slots[index] as T;
    this.slots[index] = undefined;
    this.live--;
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
    if (this.live === 0) this.clear();
    else if (this.head > 4096 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns everything, in order. */
  drain(): T[] {
    const out = this.slots.slice(this.head).filter((item): item is T => item !== undefined);
    this.clear();
    return out;
  }

  clear(): void {
    this.slots = [];
    this.head = 0;
    this.live = 0;
  }
}
