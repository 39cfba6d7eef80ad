import { storableText } from '../../../lib/storable.ts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParamsSchema } from '../../../contracts/api.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import { getMessageMedia } from './media.service.ts';

/** Types a browser may show inline; anything else (HTML, SVG, scripts…) is only ever downloaded. */
const INLINE_TYPES =
  /^(image\/(jpeg|png|webp|gif)|video\/(mp4|3gpp)|audio\/(aac|amr|mpeg|mp4|ogg)(;.*)?|application\/pdf)$/i;

/**
 * `GET /api/v1/messages/:id/media`: the bytes of a message's media. Customer-provided files are served so they
 * can never run as part of Tsunagi's origin: `nosniff`, a sandboxing CSP, and attachment disposition for
 * every type outside a short list of passive media.
 */
export async function mediaRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/messages/:id/media',
    { schema: { tags: ['messages'], summary: "A message's media bytes", params: IdParamsSchema } },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      const media = await getMessageMedia(ctx.db, p.workspaceId, req.params.id);
      const inline = INLINE_TYPES.test(media.mimeType);
      // A cut at 200 code units can split an emoji; encodeURIComponent throws on the lone half.
      const original = storableText((media.filename ?? `media-${req.params.id}`).slice(0, 200));
      const ascii = original.replace(/[^\w.\- ]/g, '_');
      return reply
        .header('content-type', inline ? media.mimeType : 'application/octet-stream')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header(
          'content-disposition',
          `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(original)}`,
        )
        .header('cache-control', 'private, max-age=3600')
        .send(media.data);
    },
  );
}
