import pg from 'pg';
import { newId } from '../../src/lib/ids.ts';
import { OUTBOX_CHANNEL } from '../../src/server/modules/messages/messages.service.ts';
import { customerWaId } from './webhooks.ts';

/** The template every queued message sends: always allowed (no 24 h window), approved in every simulator WABA. */
const TEMPLATE_CONTENT = JSON.stringify({
  type: 'template',
  template: { name: 'hello_world', language: { code: 'en_US' } },
});

/** Rows inserted per statement (arrays of this length travel as one parameter each). */
const CHUNK = 10_000;

/**
 * Fills the send queue in one transaction, as `POST /api/v1/messages` would row by row (see
 * messages.service.ts `queueMessage`): a contact per recipient, a conversation per (recipient, number), and
 * `queued` outbound template messages — then NOTIFYs the dispatchers. Recipient r is served by number
 * r mod numbers; message i goes to recipient i mod recipients, so each recipient's messages are spread over the
 * whole run and the pair rate limit is not what is measured. Returns the message ids and the commit time
 * (epoch ms): the moment the queue is full.
 */
export async function seedQueuedTemplates(opts: {
  databaseUrl: string;
  workspaceId: string;
  /** Tsunagi ids (uuid) of the sending numbers. */
  numberIds: string[];
  messages: number;
  recipients: number;
}): Promise<{ messageIds: string[]; committedAt: number }> {
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  try {
    const now = new Date();
    const contactIds = Array.from({ length: opts.recipients }, () => newId());
    const conversationIds = Array.from({ length: opts.recipients }, () => newId());
    const numberOf = (r: number) => opts.numberIds[r % opts.numberIds.length] as string;
    await client.query('begin');
    await client.query(
      `insert into contacts (id, workspace_id, wa_id, phone_e164, country, created_at, updated_at)
       select c.id, $2, c.wa_id, '+' || c.wa_id, 'JP', $3, $3 from unnest($1::uuid[], $4::text[]) as c(id, wa_id)`,
      [contactIds, opts.workspaceId, now, contactIds.map((_, r) => customerWaId(r))],
    );
    await client.query(
      `insert into conversations (id, workspace_id, contact_id, phone_number_id, created_at, updated_at)
       select v.id, $3, v.contact_id, v.number_id, $4, $4 from unnest($1::uuid[], $2::uuid[], $5::uuid[]) as v(id, contact_id, number_id)`,
      [conversationIds, contactIds, opts.workspaceId, now, conversationIds.map((_, r) => numberOf(r))],
    );
    const messageIds: string[] = [];
    for (let start = 0; start < opts.messages; start += CHUNK) {
      const ids: string[] = [];
      const recipients: number[] = [];
      for (let i = start; i < Math.min(opts.messages, start + CHUNK); i++) {
        ids.push(newId());
        recipients.push(i % opts.recipients);
      }
      messageIds.push(...ids);
      await client.query(
        `insert into messages (id, workspace_id, conversation_id, phone_number_id, contact_id, direction, type, content,
           status, origin, occurred_at, created_at, queued_at)
         select m.id, $5, m.conversation_id, m.number_id, m.contact_id, 'outbound', 'template', $6::jsonb,
           'queued', 'api', $7, $7, $7
         from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[]) as m(id, conversation_id, contact_id, number_id)`,
        [
          ids,
          recipients.map((r) => conversationIds[r]),
          recipients.map((r) => contactIds[r]),
          recipients.map((r) => numberOf(r)),
          opts.workspaceId,
          TEMPLATE_CONTENT,
          now,
        ],
      );
    }
    await client.query('select pg_notify($1, $2)', [OUTBOX_CHANNEL, '']);
    await client.query('commit');
    const committedAt = Date.now();
    // As autovacuum's autoanalyze would soon after a table grew by a tenth (it is off on the bench server): with
    // the empty tables' statistics the claims read and sort all of a number's queued messages.
    await client.query('analyze messages, contacts, conversations');
    return { messageIds, committedAt };
  } finally {
    await client.end();
  }
}
