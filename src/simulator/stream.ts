import type { FastifyReply, FastifyRequest } from 'fastify';
import { openEventStream } from '../lib/sse.ts';
import type { FeedEvent } from './feed.ts';
import type { Simulator } from './simulator.ts';

/** How often an idle stream sends a comment line, so proxies keep the connection open. */
const HEARTBEAT_MS = 15_000;

/**
 * `GET /control/stream`: the simulator's conversation changes as Server-Sent Events (`event: <kind>`, `data:
 * <json>`): `message` (either direction), `status` (of a business message), `read` (the business read a
 * customer message), `typing` (the business is typing). Filtered by number and customer when given. This is
 * what the customer-phone page listens to.
 */
export function streamFeed(
  req: FastifyRequest,
  reply: FastifyReply,
  sim: Simulator,
  filter: { phoneNumberId?: string | undefined; customer?: string | undefined },
): void {
  reply.hijack();
  const res = reply.raw;
  const stream = openEventStream(res);
  const send = (e: FeedEvent) => {
    if (filter.phoneNumberId !== undefined && e.phoneNumberId !== filter.phoneNumberId) return;
    if (filter.customer !== undefined && e.customer !== filter.customer) return;
    stream.event(e.kind, e);
  };
  const unsubscribe = sim.subscribe(send);
  const heartbeat = setInterval(() => stream.comment('ping'), HEARTBEAT_MS);
  heartbeat.unref();
  const close = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.raw.on('close', close);
  res.on('error', close);
}
