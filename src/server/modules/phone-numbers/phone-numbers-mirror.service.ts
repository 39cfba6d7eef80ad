import type { z } from 'zod';
import type {
  PhoneNumberDto,
  PhoneNumberInputSchema,
  PhoneNumberUpdateSchema,
} from '../../../contracts/api.schemas.ts';
import { notFound } from '../../lib/app-error.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { verifyNumberOwnership, type OwnershipGraph } from './phone-numbers-ownership.service.ts';
import { findPhoneNumber } from './phone-numbers.repository.ts';
import {
  numberTaken,
  registerPhoneNumber,
  updatePhoneNumber,
  type PhoneNumbersDeps,
} from './phone-numbers.service.ts';
import type { AuditActor } from '../audit/audit.service.ts';

/**
 * Registration of phone numbers through the API: ownership verified with the Graph API first, then stored, and
 * kept in step with the built-in simulator when it is mounted (the simulator holds no state of its own across
 * restarts; it learns the numbers' settings from Tsunagi).
 */

/** The one simulator method used here, so this module does not depend on the simulator's internals. */
export interface NumberMirror {
  registerNumber(n: {
    phoneNumberId: string;
    displayPhoneNumber: string;
    wabaId: string;
    accessToken: string;
    mps: number;
    messagingLimit?: number;
  }): unknown;
}

export interface PhoneNumbersApiDeps extends PhoneNumbersDeps {
  /** Where ownership is checked (the Cloud API, or the built-in simulator). */
  graph: OwnershipGraph;
  /** The built-in simulator when mounted, else null. */
  mirror: NumberMirror | null;
}

/**
 * Registers a number whose ownership the Graph API confirms (`number_token_invalid`, `number_waba_mismatch`,
 * `number_unreachable` otherwise). Verification comes first, so only someone holding a working token learns
 * that a phone number id is taken (`number_taken`, in any workspace, also when two requests race).
 */
export async function registerAndMirror(
  deps: PhoneNumbersApiDeps,
  workspaceId: string,
  input: z.infer<typeof PhoneNumberInputSchema>,
  actor?: AuditActor,
): Promise<PhoneNumberDto> {
  await verifyNumberOwnership(deps.graph, input);
  let dto: PhoneNumberDto;
  try {
    dto = await registerPhoneNumber(deps, workspaceId, input, deps.clock.now(), actor);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    throw numberTaken(input.phoneNumberId);
  }
  mirror(deps.mirror, dto, input.accessToken);
  return dto;
}

/**
 * Updates a number; a new access token or WABA is verified with the Graph API first (same refusals as
 * registration), and the number's settings are mirrored into the simulator.
 */
export async function updateAndMirror(
  deps: PhoneNumbersApiDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof PhoneNumberUpdateSchema>,
  actor?: AuditActor,
): Promise<PhoneNumberDto> {
  const current = await findPhoneNumber(deps.db, workspaceId, id);
  if (!current) throw notFound('Phone number');
  let verifiedAt: Date | undefined;
  if (input.accessToken !== undefined || input.wabaId !== undefined) {
    await verifyNumberOwnership(deps.graph, {
      phoneNumberId: current.phone_number_id,
      wabaId: input.wabaId ?? current.waba_id,
      accessToken: input.accessToken ?? deps.secrets.open(current.access_token_enc),
    });
    verifiedAt = deps.clock.now();
  }
  const dto = await updatePhoneNumber(deps, workspaceId, id, input, verifiedAt, actor);
  mirror(deps.mirror, dto, input.accessToken ?? deps.secrets.open(current.access_token_enc));
  return dto;
}

function mirror(target: NumberMirror | null, dto: PhoneNumberDto, accessToken: string): void {
  target?.registerNumber({
    phoneNumberId: dto.phoneNumberId,
    displayPhoneNumber: dto.displayPhoneNumber,
    wabaId: dto.wabaId,
    accessToken,
    mps: dto.mps,
    ...(dto.messagingLimit !== null ? { messagingLimit: dto.messagingLimit } : {}),
  });
}
