import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamsSchema, errorResponses } from '../../../contracts/api.schemas.ts';
import {
  ReminderInputSchema,
  ReminderListSchema,
  ReminderSchema,
  ReminderUpdateSchema,
} from '../../../contracts/reminders.schemas.ts';
import { requireAuth } from '../../http/auth.ts';
import type { AppContext } from '../../http/context.ts';
import { requirePermission } from '../auth/principal.rules.ts';
import {
  createReminder,
  deleteReminder,
  getReminder,
  listReminders,
  updateReminder,
  type RemindersDeps,
} from './reminders.service.ts';

const tags = ['reminders'];

/** `/api/v1/reminders`: lifecycle reminders. Every role reads; owners and admins manage. */
export async function remindersRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps: RemindersDeps = { db: ctx.db, clock: ctx.clock };

  r.get(
    '/api/v1/reminders',
    {
      schema: {
        tags,
        summary: 'Lifecycle reminders, oldest first',
        response: { 200: ReminderListSchema, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return listReminders(deps, p.workspaceId);
    },
  );

  r.post(
    '/api/v1/reminders',
    {
      schema: {
        tags,
        summary: 'Create a lifecycle reminder (sent by the scheduled run, every 5 minutes)',
        body: ReminderInputSchema,
        response: { 201: ReminderSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return reply.code(201).send(await createReminder(deps, p.workspaceId, p.userId, req.body));
    },
  );

  r.get(
    '/api/v1/reminders/:id',
    {
      schema: {
        tags,
        summary: 'A reminder, with its last run and totals',
        params: IdParamsSchema,
        response: { 200: ReminderSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'read');
      return getReminder(deps, p.workspaceId, req.params.id);
    },
  );

  r.patch(
    '/api/v1/reminders/:id',
    {
      schema: {
        tags,
        summary: 'Change any field of a reminder',
        params: IdParamsSchema,
        body: ReminderUpdateSchema,
        response: { 200: ReminderSchema, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      return updateReminder(deps, p.workspaceId, req.params.id, req.body);
    },
  );

  r.delete(
    '/api/v1/reminders/:id',
    {
      schema: {
        tags,
        summary: 'Delete a reminder (messages it queued stay)',
        params: IdParamsSchema,
        response: { 204: z.null(), ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const p = requireAuth(req, reply);
      requirePermission(p, 'manage');
      await deleteReminder(deps, p.workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
