import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SimulatorAccessSchema, errorResponses } from '../../contracts/api.schemas.ts';
import { requirePermission } from '../modules/auth/principal.rules.ts';
import { requireAuth } from './auth.ts';
import type { AppContext } from './context.ts';
import { AppError } from '../lib/app-error.ts';

/**
 * `GET /api/v1/simulator/access`: the simulator control token, for the customer-phone page at `/simulator`.
 * Registered only when the built-in simulator is mounted (404 otherwise), and given only to users signed in to
 * the console (not to API keys): the token plays any customer of any simulated number.
 */
export async function simulatorAccessRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const token = ctx.simulatorControlToken;
  if (!token) return;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/simulator/access',
    {
      schema: {
        tags: ['simulator'],
        summary: 'The built-in simulator control token (console sessions only)',
        response: { 200: SimulatorAccessSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      if (p.kind !== 'session')
        throw new AppError('forbidden', 'The simulator control token is given to console sessions only');
      return { controlUrl: '/simulator/control', token };
    },
  );
}
