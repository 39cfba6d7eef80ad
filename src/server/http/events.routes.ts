import type { FastifyInstance } from 'fastify';
import type { RealtimeEvent } from '../../contracts/realtime.schemas.ts';
import { openEventStream } from '../../lib/sse.ts';
import { requireAuth, resolvePrincipal } from './auth.ts';
import type { AppContext } from './context.ts';

/**
 * How often a stream sends a comment line (so proxies keep the connection open) and checks that its
 * credentials still hold: a signed-out or deactivated user's stream ends within this time.
 */
const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v1/events`: the workspace's realtime events as Server-Sent Events (`event: <type>`, `data: <json>`).
 * Optional `?types=message.created,conversation.updated` filters by type.
 */
export async function eventsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get(
    '/api/v1/events',
    {
      schema: {
        tags: ['events'],
        description: 'Server-Sent Events stream of message.created, message.updated and conversation.updated',
      },
    },
    async (req, reply) => {
      const principal = requireAuth(req, reply);
      const typesParam = (req.query as { types?: string }).types;
      const types = typesParam ? new Set(typesParam.split(',').map((t) => t.trim())) : null;
      reply.hijack();
      const res = reply.raw;
      const stream = openEventStream(res);
      let seq = 0;
      const send = (event: RealtimeEvent) => {
        if (types && !types.has(event.type)) return;
        stream.event(event.type, event.data, ++seq);
      };
      const unsubscribe = ctx.realtime.subscribe(principal.workspaceId, send);
      const stillAllowed = async () => {
        const now = await resolvePrincipal(ctx.db, ctx.clock, req).catch(() => null);
        return now !== null && now.workspaceId === principal.workspaceId;
      };
      let cancelBeat = () => {};
      let closed = false;
      const close = () => {
        closed = true;
        cancelBeat();
        unsubscribe();
      };
      const beat = () => {
        cancelBeat = ctx.clock.setTimer(HEARTBEAT_MS, () => {
          void stillAllowed().then((ok) => {
            if (closed) return;
            if (!ok) {
              close();
              stream.end();
              return;
            }
            stream.comment('ping');
            beat();
          });
        });
      };
      beat();
      req.raw.on('close', close);
      res.on('error', close);
    },
  );
}
