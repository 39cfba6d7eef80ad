import { RealtimeEventSchema, type RealtimeEvent } from '../../contracts/realtime.schemas.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import { EVENTS_CHANNEL } from '../events.ts';
import type { Logger } from '../lib/logger.ts';

type Subscriber = (event: RealtimeEvent) => void;

/**
 * Fans realtime events out to this process's subscribers (SSE connections). Events reach every process through
 * one LISTEN per process on the events channel, so a change committed by a worker on another machine reaches
 * a console connected to any api process.
 */
export class RealtimeHub {
  private readonly byWorkspace = new Map<string, Set<Subscriber>>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly logger: Logger) {}

  async start(database: DatabaseHandle): Promise<void> {
    this.unlisten = await database.listen(EVENTS_CHANNEL, (payload) => this.dispatch(payload));
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }

  /** Subscribes to one workspace's events. Returns an unsubscribe function. */
  subscribe(workspaceId: string, fn: Subscriber): () => void {
    let set = this.byWorkspace.get(workspaceId);
    if (!set) this.byWorkspace.set(workspaceId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.byWorkspace.delete(workspaceId);
    };
  }

  subscriberCount(): number {
    let n = 0;
    for (const set of this.byWorkspace.values()) n += set.size;
    return n;
  }

  private dispatch(payload: string): void {
    let list: unknown;
    try {
      list = JSON.parse(payload);
    } catch {
      this.logger.warn({ payload: payload.slice(0, 200) }, 'unparseable realtime payload');
      return;
    }
    for (const raw of Array.isArray(list) ? list : [list]) {
      const parsed = RealtimeEventSchema.safeParse(raw);
      if (!parsed.success) continue;
      for (const fn of this.byWorkspace.get(parsed.data.workspaceId) ?? []) fn(parsed.data);
    }
  }
}
