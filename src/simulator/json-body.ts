import type { FastifyInstance } from 'fastify';

/**
 * Replaces the inherited `application/json` parser in an encapsulated simulator context with plain
 * `JSON.parse`: the host app may parse JSON its own way (e.g. keeping raw bytes for signature checks), and the
 * simulator must neither depend on nor change that. An empty body parses as `{}`; invalid JSON becomes the
 * error `invalid()` returns, so each API answers in its own error shape.
 */
export function useOwnJsonParser(app: FastifyInstance, invalid: () => Error): void {
  if (app.hasContentTypeParser('application/json')) app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(invalid(), undefined);
    }
  });
}
