import { isUniqueViolation } from '../db/errors.ts';

/**
 * Application errors are a closed union of codes. The HTTP status of each code is declared once, and
 * `satisfies Record<ErrorCode, number>` makes a missing code a compile error. Body on the wire:
 * `{ "error": { "code", "message", "details"? } }`.
 */
export const ERROR_HTTP_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  /** A condition (segments) that does not parse; details carry the message and the 0-based character position. */
  invalid_condition: 400,
  /** A contact attribute write that does not fit the workspace's attribute definitions (details.key names it). */
  attribute_invalid: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  /** Accepting an invitation for an e-mail that already has an account: sign in as that account first. */
  sign_in_required: 401,
  forbidden: 403,
  /** A password change whose current password is wrong (403, not 401: the session itself is fine). */
  wrong_current_password: 403,
  csrf_failed: 403,
  invalid_signature: 403,
  not_found: 404,
  conflict: 409,
  /** The phone number id is registered already (in some workspace; which one is never said). */
  number_taken: 409,
  /** The change would leave a workspace without an active owner. */
  last_owner: 409,
  idempotency_key_reused: 422,
  window_closed: 422,
  contact_opted_out: 422,
  invalid_recipient: 422,
  phone_number_unavailable: 422,
  invalid_assignee: 422,
  /** The Graph API says the access token does not reach this phone number id (invalid token, or not its business). */
  number_token_invalid: 422,
  /** The phone number is not one of the numbers of the given WhatsApp Business Account. */
  number_waba_mismatch: 422,
  /** An automation document that would not work (details.errors lists each with its path). */
  invalid_automation: 422,
  /** A message template that breaks Meta's rules (details.findings: code, path, params of each). */
  template_invalid: 422,
  /** A template Meta does not let be edited now (its status, its locked category, or the edit limits). */
  template_not_editable: 422,
  /** Contact merge: a contact cannot be merged into itself. */
  merge_same_contact: 422,
  /** Contact merge: one of the two contacts has been merged into another already (details.contactId). */
  contact_already_merged: 409,
  /** Contact merge undo: the merge was undone already. */
  merge_already_undone: 409,
  /** Contact merge undo: the survivor has since been merged into another contact; undo that merge first. */
  merge_not_undoable: 409,
  /** Contact bulk actions: a finished action (done or failed) cannot be cancelled (details.status says which). */
  bulk_action_finished: 409,
  payload_too_large: 413,
  rate_limited: 429,
  /** Too many failed password checks for this account or client address: wait `Retry-After` seconds. */
  too_many_attempts: 429,
  internal: 500,
  /** The WhatsApp Cloud API refused or failed a call made on the caller's behalf (details carry its error). */
  whatsapp_error: 502,
  /** Ownership of a number could not be checked: the Graph API did not answer (retry later). */
  number_unreachable: 502,
  unavailable: 503,
  /** Campaigns: only a draft can be edited, deleted or launched (details.status says what it is). */
  campaign_not_draft: 409,
  /** Campaigns: the transition (approve, pause, resume, cancel) is not allowed from the campaign's status. */
  campaign_invalid_state: 409,
  /** Campaigns: the template is not approved in that language on a sending number's WhatsApp Business account. */
  template_not_approved: 422,
  /** Campaigns: the variables do not fit the template's body placeholders (every send would fail with 132000). */
  template_variables_mismatch: 422,
  /** Campaigns: the header media does not fit the template's header format (image, video, document). */
  template_header_mismatch: 422,
  /** Campaigns: the audience's CSV import is still being received or read; launch when it is done. */
  audience_import_not_ready: 409,
  /** Campaigns: the audience's CSV import failed or was not started with `purpose=audience` (details.reason). */
  audience_import_invalid: 422,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

/** An error meant for the API caller: a stable code, a human message, optional structured details. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return ERROR_HTTP_STATUS[this.code];
  }

  toBody(): { error: { code: ErrorCode; message: string; details?: Record<string, unknown> } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);

/**
 * Runs a write whose only expected failure is a duplicate on a unique key (a team name, a shortcut) and turns
 * that into a `conflict` with `message`; any other error passes through.
 */
export function duplicateAsConflict<T>(write: Promise<T>, message: string): Promise<T> {
  return write.catch((err: unknown) => {
    if (isUniqueViolation(err)) throw new AppError('conflict', message);
    throw err;
  });
}
