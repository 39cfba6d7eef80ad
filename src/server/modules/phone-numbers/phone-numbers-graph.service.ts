import type { z } from 'zod';
import type {
  BusinessProfileSchema,
  ConnectionTestSchema,
  MediaUploadSchema,
} from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, PhoneNumberRow } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import {
  GraphRequestError,
  type GraphApiError,
  type GraphClient,
  type PhoneNumberCredentials,
} from '../../whatsapp/graph-client.ts';
import { findPhoneNumber } from './phone-numbers.repository.ts';

/**
 * What Tsunagi asks the Cloud API on an admin's or agent's behalf for one of the workspace's numbers: a
 * connection test, the business profile, media uploads.
 */
export interface NumberGraphDeps {
  db: Db;
  clock: Clock;
  graph: GraphClient;
  secrets: SecretBox;
}

/** A number of the workspace with its decrypted credentials; `not_found` when it is not there. */
export async function numberWithCredentials(
  deps: NumberGraphDeps,
  workspaceId: string,
  id: string,
): Promise<{ row: PhoneNumberRow; creds: PhoneNumberCredentials }> {
  const row = await findPhoneNumber(deps.db, workspaceId, id);
  if (!row) throw notFound('Phone number');
  return {
    row,
    creds: { phoneNumberId: row.phone_number_id, accessToken: deps.secrets.open(row.access_token_enc) },
  };
}

/** Runs a Graph call; a Graph failure becomes `whatsapp_error` (502) carrying Meta's code and explanation. */
export async function viaGraph<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof GraphRequestError)) throw err;
    const e = err.error;
    throw new AppError('whatsapp_error', `WhatsApp: ${e.title}`, {
      graphCode: e.code,
      httpStatus: e.httpStatus,
      details: e.details,
      category: e.category,
    });
  }
}

/** A failed Graph call as a connection-test answer. */
function testFailure(e: GraphApiError): z.infer<typeof ConnectionTestSchema> {
  const code =
    e.httpStatus === 0 ? 'unreachable' : e.code === 190 ? 'invalid_token' : `graph_${e.code ?? e.httpStatus}`;
  return { ok: false, error: { code, message: e.details ? `${e.title}: ${e.details}` : e.title } };
}

/**
 * "Test connection": reads the number from the Graph API with its stored token and checks that it is one of its
 * WABA's numbers. Answers `ok: false` with the reason (wrong token, wrong id, wrong WABA, unreachable) rather
 * than an error, since a failed test is a normal answer. A passing test records the number as verified
 * (`verified_at`), which is how numbers registered before ownership checks existed become verified.
 */
export async function testConnection(
  deps: NumberGraphDeps,
  workspaceId: string,
  id: string,
): Promise<z.infer<typeof ConnectionTestSchema>> {
  const { row, creds } = await numberWithCredentials(deps, workspaceId, id);
  let info: Awaited<ReturnType<GraphClient['getPhoneNumber']>>;
  try {
    info = await deps.graph.getPhoneNumber(creds);
  } catch (err) {
    if (!(err instanceof GraphRequestError)) throw err;
    return testFailure(err.error);
  }
  let wabaNumbers: string[] = [];
  try {
    wabaNumbers = await deps.graph.listWabaPhoneNumberIds(row.waba_id, creds.accessToken);
  } catch (err) {
    if (!(err instanceof GraphRequestError)) throw err;
    // No answer is a failed test; a refusal means the token cannot see that WABA: not the number's WABA.
    if (err.error.httpStatus === 0 || err.error.httpStatus >= 500) return testFailure(err.error);
  }
  if (!wabaNumbers.includes(row.phone_number_id))
    return {
      ok: false,
      error: {
        code: 'waba_mismatch',
        message: `The number is not one of the numbers of WhatsApp Business Account ${row.waba_id}`,
      },
    };
  await deps.db
    .updateTable('phone_numbers')
    .set({ verified_at: deps.clock.now() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('access_token_enc', '=', row.access_token_enc)
    .where('waba_id', '=', row.waba_id)
    .execute();
  return {
    ok: true,
    ...(info.display_phone_number ? { displayPhoneNumber: info.display_phone_number } : {}),
    ...(info.verified_name ? { verifiedName: info.verified_name } : {}),
    ...(info.quality_rating ? { qualityRating: info.quality_rating } : {}),
  };
}

export async function getBusinessProfile(
  deps: NumberGraphDeps,
  workspaceId: string,
  id: string,
): Promise<z.infer<typeof BusinessProfileSchema>> {
  const { creds } = await numberWithCredentials(deps, workspaceId, id);
  const p = await viaGraph(() => deps.graph.getBusinessProfile(creds));
  return {
    ...(p.about !== undefined ? { about: p.about } : {}),
    ...(p.address !== undefined ? { address: p.address } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.email !== undefined ? { email: p.email } : {}),
    ...(p.websites !== undefined ? { websites: p.websites } : {}),
    ...(p.vertical !== undefined ? { vertical: p.vertical } : {}),
  };
}

export async function updateBusinessProfile(
  deps: NumberGraphDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof BusinessProfileSchema>,
): Promise<z.infer<typeof BusinessProfileSchema>> {
  const { creds } = await numberWithCredentials(deps, workspaceId, id);
  await viaGraph(() => deps.graph.updateBusinessProfile(creds, input));
  return getBusinessProfile(deps, workspaceId, id);
}

/**
 * Uploads a file to WhatsApp for one of the workspace's numbers and keeps a copy, so the console can show
 * what was sent. Returns the WhatsApp media id to send.
 */
export async function uploadMedia(
  deps: NumberGraphDeps,
  workspaceId: string,
  id: string,
  file: { bytes: Buffer; mimeType: string; filename: string },
): Promise<z.infer<typeof MediaUploadSchema>> {
  const { creds } = await numberWithCredentials(deps, workspaceId, id);
  const uploaded = await viaGraph(() => deps.graph.uploadMedia(creds, file));
  await deps.db
    .insertInto('media')
    .values({
      id: newId(),
      workspace_id: workspaceId,
      message_id: null,
      wa_media_id: uploaded.id,
      mime_type: file.mimeType,
      sha256: null,
      filename: file.filename,
      size_bytes: file.bytes.length,
      data: file.bytes,
      created_at: deps.clock.now(),
    })
    .execute();
  return { id: uploaded.id, mimeType: file.mimeType, filename: file.filename, size: file.bytes.length };
}
