/**
 * Template changes as history and alerts: each status, quality or category change observed (a template webhook,
 * or a sync finding a status that moved) becomes a `template_events` row — an alert when it needs attention
 * (templates.rules.ts) — and a status change also publishes `template.status_changed` in the same transaction.
 * Duplicated webhooks record nothing twice: a change is recorded only when the cached value differs.
 */
import { z } from 'zod';
import type { TemplateEventDto } from '../../../contracts/template.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { DbOrTx } from '../../db/types.ts';
import { domainEvents } from '../../domain-events/listeners.catalog.ts';
import { insertTemplateEvents, type TemplateEventRow } from './template-events.repository.ts';
import { findCachedByKey, patchTemplate } from './templates.repository.ts';
import { isTemplateAlert, type TemplateChange } from './templates.rules.ts';

/** Which template changed. */
export interface TemplateKey {
  wabaId: string;
  templateId: string | null;
  name: string;
  language: string;
}

/** A change with its reason (rejection or pause reason), if any. */
export type ObservedChange = TemplateChange & { reason: string | null };

/** Records changes of one template (events, alerts, the status domain event) in the caller's transaction. */
export async function recordTemplateChanges(
  tx: DbOrTx,
  clock: Clock,
  workspaceId: string,
  key: TemplateKey,
  changes: ObservedChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const at = clock.now();
  await insertTemplateEvents(
    tx,
    changes.map((c) => ({
      id: newId(),
      workspace_id: workspaceId,
      waba_id: key.wabaId,
      template_id: key.templateId,
      name: key.name,
      language: key.language,
      kind: c.kind,
      value: c.value,
      previous: c.previous,
      reason: c.reason,
      alert: isTemplateAlert(c),
      occurred_at: at,
    })),
  );
  await domainEvents.publish(
    tx,
    clock,
    changes
      .filter((c) => c.kind === 'status')
      .map((c) => ({
        type: 'template.status_changed' as const,
        workspaceId,
        key: `${key.wabaId}:${key.name}:${key.language}:${c.value}:${at.getTime()}`,
        data: {
          wabaId: key.wabaId,
          templateId: key.templateId,
          name: key.name,
          language: key.language,
          status: c.value,
          previousStatus: c.previous,
          reason: c.reason,
        },
      })),
  );
}

const idOf = z.union([z.number(), z.string()]).transform(String).optional();
const StatusUpdateSchema = z.looseObject({
  event: z.string().min(1),
  message_template_id: idOf,
  message_template_name: z.string().min(1),
  message_template_language: z.string().min(1),
  message_template_category: z.string().optional(),
  reason: z.string().nullish(),
  rejection_info: z.looseObject({ reason: z.string().optional() }).nullish(),
  other_info: z.looseObject({ title: z.string().optional() }).nullish(),
});
const QualityUpdateSchema = z.looseObject({
  new_quality_score: z.string().min(1),
  previous_quality_score: z.string().optional(),
  message_template_id: idOf,
  message_template_name: z.string().min(1),
  message_template_language: z.string().min(1),
});
const CategoryUpdateSchema = z.looseObject({
  message_template_id: idOf,
  message_template_name: z.string().min(1),
  message_template_language: z.string().min(1),
  new_category: z.string().min(1),
  previous_category: z.string().optional(),
  correct_category: z.string().optional(),
});

/** A reason worth keeping: Meta sends "NONE" (or null) when there is none. */
const reasonOf = (...r: Array<string | null | undefined>): string | null =>
  r.find((x) => typeof x === 'string' && x !== '' && x !== 'NONE') ?? null;

/**
 * Applies one template webhook value (status, quality or category update, told apart by shape) for one workspace
 * in the ingest transaction: the cache is patched and what changed is recorded. Returns false for a value of an
 * unexpected shape (the caller dead-letters it).
 */
export async function applyTemplateUpdate(
  tx: DbOrTx,
  clock: Clock,
  workspaceId: string,
  wabaId: string,
  value: unknown,
): Promise<boolean> {
  const status = StatusUpdateSchema.safeParse(value);
  const quality = QualityUpdateSchema.safeParse(value);
  const category = CategoryUpdateSchema.safeParse(value);
  const v = status.success
    ? status.data
    : quality.success
      ? quality.data
      : category.success
        ? category.data
        : null;
  if (!v) return false;
  const key = { workspaceId, wabaId, name: v.message_template_name, language: v.message_template_language };
  const before = await findCachedByKey(tx, key);
  const templateId = v.message_template_id ?? before?.template_id ?? null;
  const changes: ObservedChange[] = [];
  const now = clock.now();
  if (status.success) {
    const s = status.data;
    const reason = reasonOf(s.rejection_info?.reason, s.reason, s.other_info?.title);
    await patchTemplate(
      tx,
      key,
      {
        status: s.event,
        category: s.message_template_category,
        templateId: templateId ?? undefined,
        rejectedReason: s.event === 'REJECTED' ? reason : s.event === 'APPROVED' ? null : undefined,
      },
      now,
    );
    if (before?.status !== s.event)
      changes.push({ kind: 'status', value: s.event, previous: before?.status ?? null, reason });
  } else if (quality.success) {
    const q = quality.data;
    await patchTemplate(
      tx,
      key,
      { qualityScore: q.new_quality_score, templateId: templateId ?? undefined },
      now,
    );
    const previous = before?.quality_score ?? q.previous_quality_score ?? null;
    if (previous !== q.new_quality_score)
      changes.push({ kind: 'quality', value: q.new_quality_score, previous, reason: null });
  } else if (category.success) {
    const c = category.data;
    if (c.correct_category && c.correct_category !== c.new_category) {
      // Impending: Meta will move the template to `correct_category` in 24 h; the category in force stays.
      if (before?.category !== c.correct_category)
        changes.push({
          kind: 'category',
          value: c.correct_category,
          previous: c.new_category,
          reason: 'SCHEDULED',
        });
    } else {
      await patchTemplate(tx, key, { category: c.new_category, templateId: templateId ?? undefined }, now);
      const previous = before?.category ?? c.previous_category ?? null;
      if (previous !== c.new_category)
        changes.push({ kind: 'category', value: c.new_category, previous, reason: null });
    }
  }
  await recordTemplateChanges(
    tx,
    clock,
    workspaceId,
    { wabaId, templateId, name: key.name, language: key.language },
    changes,
  );
  return true;
}

/** A template event as the API shows it. */
export function presentTemplateEvent(r: TemplateEventRow): TemplateEventDto {
  return {
    id: r.id,
    wabaId: r.waba_id,
    templateId: r.template_id,
    name: r.name,
    language: r.language,
    kind: r.kind,
    value: r.value,
    previous: r.previous,
    reason: r.reason,
    alert: r.alert,
    occurredAt: r.occurred_at.toISOString(),
    acknowledgedAt: r.acknowledged_at ? r.acknowledged_at.toISOString() : null,
  };
}
