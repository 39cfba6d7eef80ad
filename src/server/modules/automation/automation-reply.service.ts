/**
 * Sending an automatic reply when its delay is over (job `automation.reply`): skipped when a person answered
 * or took over in the meantime, rendered for the contact (conditional content), queued like any message with
 * origin `automation`. The idempotency key is the reply's id, so a job that runs twice sends once.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { queueMessage, type SendContent } from '../messages/messages.service.ts';
import { loadConditionSubject } from './automation-context.repository.ts';
import { mapTexts, renderTemplate } from './response-template.rules.ts';

export async function sendAutomationReply(deps: { db: Db; clock: Clock }, replyId: string): Promise<void> {
  const { db } = deps;
  const reply = await db
    .selectFrom('automation_replies')
    .innerJoin('conversations', 'conversations.id', 'automation_replies.conversation_id')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .innerJoin('automation_runs', 'automation_runs.id', 'automation_replies.run_id')
    .innerJoin('messages as trigger', 'trigger.id', 'automation_runs.message_id')
    .select([
      'trigger.id as trigger_id',
      'trigger.occurred_at as trigger_at',
      'automation_replies.id',
      'automation_replies.workspace_id',
      'automation_replies.conversation_id',
      'automation_replies.kind',
      'automation_replies.content',
      'automation_replies.created_at',
      'automation_replies.message_id',
      'automation_replies.outcome',
      'conversations.automation_paused_at',
      'contacts.id as contact_id',
      'contacts.name',
      'contacts.profile_name',
      'contacts.phone_e164',
      'contacts.attributes',
    ])
    .where('automation_replies.id', '=', replyId)
    .executeTakeFirst();
  if (!reply || reply.outcome) return;
  const skip = async (outcome: string) => {
    await db.updateTable('automation_replies').set({ outcome }).where('id', '=', replyId).execute();
  };
  if (reply.kind !== 'handoff' && reply.automation_paused_at && reply.automation_paused_at > reply.created_at)
    return skip('skipped_paused');
  const answered = await db
    .selectFrom('messages')
    .select('id')
    .where('conversation_id', '=', reply.conversation_id)
    .where('direction', '=', 'outbound')
    .where('origin', 'in', ['agent', 'api'])
    .where('created_at', '>', reply.created_at)
    .limit(1)
    .executeTakeFirst();
  if (answered) return skip('skipped_person_replied');

  // Rendered as when the decision was made: the triggering message is not the customer's "previous" one.
  const seen = await loadConditionSubject(
    db,
    { workspaceId: reply.workspace_id, contactId: reply.contact_id },
    { at: reply.trigger_at, excludeId: reply.trigger_id },
  );
  const subject = {
    name: reply.name ?? reply.profile_name,
    phone: reply.phone_e164,
    attributes: reply.attributes,
    tags: seen.tags,
    events: seen.events,
  };
  const now = deps.clock.now();
  const content = mapTexts(reply.content, (t) => renderTemplate(t, subject, now)) as SendContent;
  try {
    const { message } = await queueMessage(deps, reply.workspace_id, {
      target: { conversationId: reply.conversation_id },
      content,
      origin: 'automation',
      idempotencyKey: `automation:${replyId}`,
    });
    await db
      .updateTable('automation_replies')
      .set({ message_id: message.id, outcome: 'queued' })
      .where('id', '=', replyId)
      .execute();
  } catch (err) {
    // Refusals are final (the window closed while the reply waited, the number was removed): record them.
    if (err instanceof AppError && err.httpStatus < 500) return skip(`refused_${err.code}`);
    throw err;
  }
}
