import { AppError } from '../../lib/app-error.ts';
import { GraphRequestError, type GraphApiError, type GraphClient } from '../../whatsapp/graph-client.ts';

/**
 * Number ownership: before a workspace may register a number (or change its token or WABA), the Graph API must
 * confirm that the access token reaches the phone number id (`GET /{pnid}`) and that the number is one of the
 * WABA's numbers (`GET /{waba}/phone_numbers`). Without this, whoever typed another business's phone number id
 * first received its customers' messages.
 */

/** The Graph calls ownership needs (a subset of {@link GraphClient}). */
export type OwnershipGraph = Pick<GraphClient, 'getPhoneNumber' | 'listWabaPhoneNumberIds'>;

/** What is checked: the token must reach the number, and the number must be on the WABA. */
export interface OwnershipClaim {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
}

/** No answer worth judging: network failure, timeout, Meta-side 5xx or throttling. */
function isUnanswered(e: GraphApiError): boolean {
  return e.httpStatus === 0 || e.httpStatus >= 500 || e.category === 'throttle' || e.category === 'retryable';
}

function unreachable(e: GraphApiError): AppError {
  return new AppError(
    'number_unreachable',
    'The WhatsApp Cloud API could not be reached to verify this number',
    {
      graphCode: e.code,
      httpStatus: e.httpStatus,
    },
  );
}

/**
 * Throws `number_token_invalid` (the token is invalid, expired, or cannot see this number), `number_waba_mismatch`
 * (the number is not on that WABA, or the token cannot see the WABA) or `number_unreachable` (no usable answer);
 * resolves when Meta confirms the claim.
 */
export async function verifyNumberOwnership(graph: OwnershipGraph, claim: OwnershipClaim): Promise<void> {
  try {
    await graph.getPhoneNumber({ phoneNumberId: claim.phoneNumberId, accessToken: claim.accessToken });
  } catch (err) {
    if (!(err instanceof GraphRequestError)) throw err;
    if (isUnanswered(err.error)) throw unreachable(err.error);
    throw new AppError(
      'number_token_invalid',
      'The access token does not reach this phone number id (invalid or expired token, or another business’s number)',
      { graphCode: err.error.code },
    );
  }
  let ids: string[];
  try {
    ids = await graph.listWabaPhoneNumberIds(claim.wabaId, claim.accessToken);
  } catch (err) {
    if (!(err instanceof GraphRequestError)) throw err;
    if (isUnanswered(err.error)) throw unreachable(err.error);
    ids = [];
  }
  if (!ids.includes(claim.phoneNumberId))
    throw new AppError(
      'number_waba_mismatch',
      'This phone number is not one of the numbers of that WhatsApp Business Account',
      { wabaId: claim.wabaId },
    );
}
