import type { FastifyInstance } from 'fastify';
import { storableJson } from '../../lib/storable.ts';
import { AppError } from '../lib/app-error.ts';

/**
 * Deepest nesting a JSON request body may have. Free-form fields have tighter limits of their own (see
 * `contracts/free-json.schemas.ts`); this one keeps every later step — validation, `JSON.stringify`, jsonb —
 * far from a stack overflow, whatever the route.
 */
export const MAX_BODY_DEPTH = 32;

/** The JSON-pointer path (`/attributes/a/0`) of the first value nested deeper than `max`, or null. */
function tooDeep(value: unknown, max: number): string | null {
  const walk = (v: unknown, path: string, depth: number): string | null => {
    if (v === null || typeof v !== 'object') return null;
    if (depth > max) return path || '/';
    const children = Array.isArray(v) ? v.entries() : Object.entries(v);
    for (const [key, child] of children) {
      const found = walk(
        child,
        `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`,
        depth + 1,
      );
      if (found !== null) return found;
    }
    return null;
  };
  return walk(value, '', 1);
}

/**
 * The one place where request input is made safe to store, for every route of the app (the webhook receiver
 * reads raw bytes in its own scope and is not affected):
 *
 * - JSON bodies are parsed by Fastify's own parser (`__proto__` and `constructor.prototype` refused), then
 *   refused with 400 `validation_failed` (and the path) when nested deeper than {@link MAX_BODY_DEPTH};
 *   JSON.parse itself handles any depth, so 10,000 levels are a 400, never a RangeError.
 * - In bodies, query strings and path parameters, U+0000 and lone UTF-16 surrogates — which PostgreSQL cannot
 *   store — become U+FFFD. Free text keeps the rest of what was typed; ids, enums and formats (uuid, E.164,
 *   dates) no longer match their schema and are refused with 400 `validation_failed` as before.
 */
export function registerRequestInput(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, text, done) => {
    parseJson(req, String(text), (err, value) => {
      if (err) return done(err);
      const deep = tooDeep(value, MAX_BODY_DEPTH);
      if (deep !== null) {
        const message = `nested more than ${MAX_BODY_DEPTH} levels deep`;
        return done(
          new AppError('validation_failed', `Invalid request: ${deep} ${message}`, {
            issues: [{ path: deep, message }],
          }),
        );
      }
      done(null, storableJson(value, { maxDepth: MAX_BODY_DEPTH + 1 }).value);
    });
  });
  app.addHook('preValidation', async (req) => {
    req.query = storableJson(req.query).value;
    req.params = storableJson(req.params).value;
  });
}
