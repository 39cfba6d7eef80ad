/**
 * The dry-run tester: "what would happen if a customer sent X to number N at time T" — the active document or
 * an unsaved draft, for a made-up customer or a real contact (their tags, attributes, events and this hour's
 * automatic replies). Nothing is written and nothing is sent.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { compileAutomation, type CompiledAutomation } from './automation-compile.service.ts';
import { getAutomation, type CompiledAutomationCache } from './automation-config.service.ts';
import { loadConditionSubject, loadReplyHistory } from './automation-context.repository.ts';
import type { MessageContent } from '../../../contracts/whatsapp/send.schemas.ts';
import { expectedWaitMinutes } from './assignment.rules.ts';
import { countAvailable, loadCandidates, queuedCount } from './assignment.service.ts';
import type { DryRunResultDto } from '../../../contracts/automation.schemas.ts';
import { builtInText, historyWindowMs, planAutomation } from './automation-plan.rules.ts';
import { reasonText } from './automation-reason.rules.ts';
import { mapTexts, renderTemplate } from './response-template.rules.ts';
import { isOpen, openingText } from './business-hours.rules.ts';

export interface DryRunInput {
  text: string;
  phoneNumberId: string;
  at?: string | undefined;
  contactId?: string | undefined;
  firstMessage?: boolean | undefined;
  config?: unknown;
}

export type DryRunResult = DryRunResultDto;

export async function dryRun(
  deps: { db: Db; clock: Clock; cache: CompiledAutomationCache },
  workspaceId: string,
  input: DryRunInput,
): Promise<DryRunResult> {
  const number = await deps.db
    .selectFrom('phone_numbers')
    .select(['phone_number_id'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', input.phoneNumberId)
    .executeTakeFirst();
  if (!number) throw notFound('Phone number');
  let automation: CompiledAutomation;
  if (input.config !== undefined) {
    const compiled = await compileAutomation(input.config, 0);
    if (!compiled.ok)
      throw new AppError('invalid_automation', `The draft has errors: ${compiled.errors[0]?.message ?? ''}`, {
        errors: compiled.errors,
      });
    automation = compiled.automation;
  } else {
    const state = await getAutomation(deps, workspaceId);
    automation = await deps.cache.get(workspaceId, state.version, state.config);
  }
  const at = input.at ? new Date(input.at) : deps.clock.now();
  const hours = automation.config.businessHours;
  const inBusinessHours = hours ? isOpen(hours, at) : true;

  let person = { name: null as string | null, phone: null as string | null };
  let contact = {
    attributes: {} as Record<string, unknown>,
    tags: [] as string[],
    events: [] as Array<{ name: string; at: Date }>,
  };
  let history: Awaited<ReturnType<typeof loadReplyHistory>> = { history: [], lastAwayAt: null };
  const conversation = {
    paused: false,
    menu: null,
    priority: 'normal' as const,
    assigneeId: null,
    teamId: null,
  };
  if (input.contactId) {
    const row = await deps.db
      .selectFrom('contacts')
      .select(['id', 'attributes', 'name', 'profile_name', 'phone_e164'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', input.contactId)
      .executeTakeFirst();
    if (!row) throw notFound('Contact');
    const seen = await loadConditionSubject(
      deps.db,
      { workspaceId, contactId: row.id },
      { at, excludeId: null },
    );
    contact = { attributes: row.attributes, tags: seen.tags, events: seen.events };
    person = { name: row.name ?? row.profile_name, phone: row.phone_e164 };
    const conv = await deps.db
      .selectFrom('conversations')
      .innerJoin('phone_numbers', 'phone_numbers.id', 'conversations.phone_number_id')
      .select(['conversations.id'])
      .where('conversations.contact_id', '=', row.id)
      .where('phone_numbers.id', '=', input.phoneNumberId)
      .executeTakeFirst();
    if (conv) history = await loadReplyHistory(deps.db, conv.id, at, historyWindowMs(automation));
  }
  const plan = planAutomation({
    automation,
    input: { text: input.text, replyId: null },
    phoneNumberId: number.phone_number_id,
    now: at,
    inBusinessHours,
    contact,
    conversation,
    previousInboundAt: input.firstMessage ? null : new Date(at.getTime() - 60_000),
    history: history.history,
    lastAwayAt: history.lastAwayAt,
    previousSentiments: [],
  });
  // Show the replies as the customer would get them: conditional content rendered, built-in texts filled in.
  const team = plan.routing?.teamId ?? null;
  const [candidates, queued] = await Promise.all([
    loadCandidates(deps.db, workspaceId, team),
    queuedCount(deps.db, workspaceId, team),
  ]);
  const wait = expectedWaitMinutes({
    queued,
    availableAgents: countAvailable(candidates, at),
    averageHandleMinutes: automation.config.assignment.averageHandleMinutes,
  });
  const subject = { ...person, ...contact };
  const replies = plan.replies.map((r) => ({
    ...r,
    content: r.content
      ? (mapTexts(r.content, (t) => renderTemplate(t, subject, at)) as MessageContent)
      : r.text
        ? ({
            type: 'text',
            text: {
              body: builtInText(automation.config, r.text, wait, openingText(hours, at, r.text.language)),
            },
          } as MessageContent)
        : null,
  }));
  return {
    at: at.toISOString(),
    inBusinessHours,
    configVersion: input.config !== undefined ? null : automation.version,
    plan: { ...plan, reason: reasonText(plan.reason), reasonDetail: plan.reason, replies },
  };
}
