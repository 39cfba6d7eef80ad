import type { z } from 'zod';
import type {
  PhoneNumberDto,
  PhoneNumberInputSchema,
  PhoneNumberUpdateSchema,
} from '../../../contracts/api.schemas.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { findPhoneNumber } from './phone-numbers.repository.ts';
import { registerPhoneNumber, updatePhoneNumber, type PhoneNumbersDeps } from './phone-numbers.service.ts';
import { isUniqueViolation } from '../../db/errors.ts';

/**
 * Registration of phone numbers through the API, kept in step with the built-in simulator in embedded mode
 * (the simulator holds no state of its own across restarts, and only answers for numbers it knows).
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
  /** The built-in simulator in embedded mode, else null. */
  mirror: NumberMirror | null;
}

/**
 * Registers a number and mirrors it into the simulator. A Cloud API phone number id already registered (in
 * any workspace: it routes webhooks) is a `conflict`, also when two requests race.
 */
export async function registerAndMirror(
  deps: PhoneNumbersApiDeps,
  workspaceId: string,
  input: z.infer<typeof PhoneNumberInputSchema>,
): Promise<PhoneNumberDto> {
  let dto: PhoneNumberDto;
  try {
    dto = await registerPhoneNumber(deps, workspaceId, input);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    throw new AppError('conflict', `Phone number id ${input.phoneNumberId} is already registered`, {
      phoneNumberId: input.phoneNumberId,
    });
  }
  mirror(deps.mirror, dto, input.accessToken);
  return dto;
}

/** Updates a number and mirrors the new settings (and the current access token) into the simulator. */
export async function updateAndMirror(
  deps: PhoneNumbersApiDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof PhoneNumberUpdateSchema>,
): Promise<PhoneNumberDto> {
  const dto = await updatePhoneNumber(deps, workspaceId, id, input);
  if (deps.mirror) {
    const row = await findPhoneNumber(deps.db, workspaceId, id);
    if (!row) throw notFound('Phone number');
    mirror(deps.mirror, dto, deps.secrets.open(row.access_token_enc));
  }
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
