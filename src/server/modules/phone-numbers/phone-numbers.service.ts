import type { z } from 'zod';
import type {
  PhoneNumberDto,
  PhoneNumberInputSchema,
  PhoneNumberUpdateSchema,
} from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, PhoneNumberRow } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import { record, type AuditActor } from '../audit/audit.service.ts';
import { requestTemplateSync } from '../templates/templates-sync.service.ts';
import { findByCloudId, findPhoneNumber, listPhoneNumbers } from './phone-numbers.repository.ts';

export interface PhoneNumbersDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
}

/** The refusal of a phone number id registered already: it names no workspace. */
export function numberTaken(phoneNumberId: string): AppError {
  return new AppError('number_taken', `Phone number id ${phoneNumberId} is already registered`, {
    phoneNumberId,
  });
}

/**
 * Stores a WhatsApp number in a workspace; the access token is encrypted at rest. A phone number id lives in
 * one workspace only (`number_taken`). `verifiedAt` is when its ownership was confirmed with the Graph API
 * (see `phone-numbers-ownership.service.ts`), null when it was not checked.
 */
export async function registerPhoneNumber(
  deps: PhoneNumbersDeps,
  workspaceId: string,
  input: z.infer<typeof PhoneNumberInputSchema>,
  verifiedAt: Date | null,
  actor?: AuditActor,
): Promise<PhoneNumberDto> {
  const taken = await findByCloudId(deps.db, input.phoneNumberId);
  if (taken) throw numberTaken(input.phoneNumberId);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('phone_numbers')
      .values({
        id: newId(),
        workspace_id: workspaceId,
        phone_number_id: input.phoneNumberId,
        display_phone_number: input.displayPhoneNumber,
        waba_id: input.wabaId,
        label: input.label ?? null,
        access_token_enc: deps.secrets.seal(input.accessToken),
        mps: input.mps,
        messaging_limit: input.messagingLimit ?? null,
        verified_at: verifiedAt,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // The WABA's templates are cached for the send path's consent check (their categories).
    await requestTemplateSync(tx, deps.clock, workspaceId, row.waba_id);
    if (actor)
      await record(tx, deps.clock, {
        workspaceId,
        actor,
        action: 'phone_number.added',
        target: { type: 'phone_number', id: row.id },
        data: { phoneNumberId: row.phone_number_id, wabaId: row.waba_id, verified: verifiedAt !== null },
      });
    return toPhoneNumberDto(row);
  });
}

/** Updates a number's settings; `verifiedAt` records an ownership check made for a new token or WABA. */
export async function updatePhoneNumber(
  deps: PhoneNumbersDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof PhoneNumberUpdateSchema>,
  verifiedAt?: Date,
  actor?: AuditActor,
): Promise<PhoneNumberDto> {
  return deps.db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('phone_numbers')
      .set({
        ...(input.displayPhoneNumber !== undefined ? { display_phone_number: input.displayPhoneNumber } : {}),
        ...(input.wabaId !== undefined ? { waba_id: input.wabaId } : {}),
        ...(input.accessToken !== undefined
          ? { access_token_enc: deps.secrets.seal(input.accessToken) }
          : {}),
        ...(input.mps !== undefined ? { mps: input.mps } : {}),
        ...(input.messagingLimit !== undefined ? { messaging_limit: input.messagingLimit } : {}),
        ...(input.label !== undefined ? { label: input.label } : {}),
        ...(verifiedAt !== undefined ? { verified_at: verifiedAt } : {}),
        updated_at: deps.clock.now(),
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Phone number');
    if (actor)
      await record(tx, deps.clock, {
        workspaceId,
        actor,
        action: 'phone_number.updated',
        target: { type: 'phone_number', id: row.id },
        // Which settings changed, never their values (the token is a secret).
        data: { fields: Object.keys(input).sort().join(','), verified: verifiedAt !== undefined },
      });
    return toPhoneNumberDto(row);
  });
}

/** Soft-deletes a number: its conversations and history stay; webhooks for it are dead-lettered. */
export async function deletePhoneNumber(
  deps: PhoneNumbersDeps,
  workspaceId: string,
  id: string,
  actor?: AuditActor,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('phone_numbers')
      .set({ deleted_at: deps.clock.now(), updated_at: deps.clock.now() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw notFound('Phone number');
    if (actor)
      await record(tx, deps.clock, {
        workspaceId,
        actor,
        action: 'phone_number.removed',
        target: { type: 'phone_number', id },
      });
  });
}

export async function getPhoneNumber(
  deps: PhoneNumbersDeps,
  workspaceId: string,
  id: string,
): Promise<PhoneNumberDto> {
  const row = await findPhoneNumber(deps.db, workspaceId, id);
  if (!row) throw notFound('Phone number');
  return toPhoneNumberDto(row);
}

export async function listWorkspacePhoneNumbers(
  deps: PhoneNumbersDeps,
  workspaceId: string,
): Promise<PhoneNumberDto[]> {
  return (await listPhoneNumbers(deps.db, workspaceId)).map(toPhoneNumberDto);
}

export function toPhoneNumberDto(row: PhoneNumberRow): PhoneNumberDto {
  return {
    id: row.id,
    phoneNumberId: row.phone_number_id,
    displayPhoneNumber: row.display_phone_number,
    wabaId: row.waba_id,
    label: row.label,
    mps: row.mps,
    messagingLimit: row.messaging_limit,
    qualityRating: row.quality_rating,
    status: row.status,
    verifiedAt: row.verified_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    messagingTier: row.messaging_tier,
    throughputLevel: row.throughput_level,
    qualityEvent: row.quality_event,
    accountEvent: row.account_event,
    healthUpdatedAt: row.health_updated_at?.toISOString() ?? null,
    webhooksSubscribedAt: row.webhooks_subscribed_at?.toISOString() ?? null,
  };
}
