import { z } from 'zod';

/**
 * The Cloud API error codes Tsunagi knows, with Meta's title, the HTTP status Meta's table gives for the
 * synchronous form, the channel it arrives on and what a sender should do about it. One table serves the
 * simulator (which produces these errors) and the production adapter (which classifies them), so the two
 * cannot drift. Source: reference §2.3 (`whatsapp-cloud-api.md`), Meta's error-codes page, kapso's retry
 * categories.
 */

/** How an error reaches us: the HTTP answer of the call, a `failed` status webhook, or both. */
export type GraphErrorChannel = 'sync' | 'async' | 'both';

/**
 * What a sender does next. `refresh_token`: credentials are bad; `retry_later`: throttled, retry after a
 * delay (per recipient for 131056); `retry_backoff`: transient server trouble; `do_not_retry`: policy or
 * recipient state makes a resend pointless; `fix_request`: the request itself is wrong.
 */
export type GraphErrorAction =
  'refresh_token' | 'retry_later' | 'retry_backoff' | 'do_not_retry' | 'fix_request';

/** One row of the table. */
export interface GraphErrorCodeInfo {
  /** Meta's title; the simulator renders `message` as `(#code) title`. */
  title: string;
  /** HTTP status of the synchronous form per Meta's table (async-only codes carry the 400 Meta lists). */
  httpStatus: number;
  channel: GraphErrorChannel;
  action: GraphErrorAction;
}

export const GRAPH_ERROR_CODES = {
  0: { title: 'AuthException', httpStatus: 401, channel: 'sync', action: 'refresh_token' },
  1: { title: 'API Unknown', httpStatus: 400, channel: 'sync', action: 'retry_backoff' },
  2: { title: 'API Service', httpStatus: 503, channel: 'sync', action: 'retry_backoff' },
  3: { title: 'API Method', httpStatus: 500, channel: 'sync', action: 'fix_request' },
  4: { title: 'API Too Many Calls', httpStatus: 400, channel: 'sync', action: 'retry_later' },
  10: { title: 'Permission denied', httpStatus: 403, channel: 'sync', action: 'fix_request' },
  33: { title: 'Parameter value is not valid', httpStatus: 400, channel: 'sync', action: 'fix_request' },
  100: { title: 'Invalid parameter', httpStatus: 400, channel: 'sync', action: 'fix_request' },
  190: { title: 'Access token has expired', httpStatus: 401, channel: 'sync', action: 'refresh_token' },
  200: { title: 'API Permission', httpStatus: 403, channel: 'sync', action: 'fix_request' },
  368: {
    title: 'Temporarily blocked for policies violations',
    httpStatus: 403,
    channel: 'sync',
    action: 'do_not_retry',
  },
  80007: { title: 'Rate limit issues', httpStatus: 400, channel: 'sync', action: 'retry_later' },
  130429: { title: 'Rate limit hit', httpStatus: 400, channel: 'both', action: 'retry_later' },
  130472: {
    title: "User's number is part of an experiment",
    httpStatus: 400,
    channel: 'async',
    action: 'do_not_retry',
  },
  130497: {
    title: 'Business account is restricted from messaging users in this country',
    httpStatus: 403,
    channel: 'sync',
    action: 'do_not_retry',
  },
  131000: { title: 'Something went wrong', httpStatus: 500, channel: 'both', action: 'retry_backoff' },
  131005: { title: 'Access denied', httpStatus: 403, channel: 'sync', action: 'fix_request' },
  131008: { title: 'Required parameter is missing', httpStatus: 400, channel: 'sync', action: 'fix_request' },
  131009: { title: 'Parameter value is not valid', httpStatus: 400, channel: 'both', action: 'fix_request' },
  131016: { title: 'Service unavailable', httpStatus: 500, channel: 'sync', action: 'retry_backoff' },
  131021: { title: 'Recipient cannot be sender', httpStatus: 400, channel: 'sync', action: 'fix_request' },
  131026: { title: 'Message undeliverable', httpStatus: 400, channel: 'async', action: 'do_not_retry' },
  131030: {
    title: 'Recipient phone number not in allowed list',
    httpStatus: 400,
    channel: 'sync',
    action: 'fix_request',
  },
  131031: { title: 'Account has been locked', httpStatus: 403, channel: 'both', action: 'do_not_retry' },
  131042: {
    title: 'Business eligibility payment issue',
    httpStatus: 400,
    channel: 'both',
    action: 'fix_request',
  },
  131045: { title: 'Incorrect certificate', httpStatus: 500, channel: 'sync', action: 'fix_request' },
  131047: { title: 'Re-engagement message', httpStatus: 400, channel: 'async', action: 'do_not_retry' },
  131048: { title: 'Spam rate limit hit', httpStatus: 400, channel: 'both', action: 'retry_later' },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    httpStatus: 400,
    channel: 'async',
    action: 'do_not_retry',
  },
  131050: {
    title: 'User stopped marketing messages',
    httpStatus: 400,
    channel: 'async',
    action: 'do_not_retry',
  },
  131051: { title: 'Unsupported message type', httpStatus: 400, channel: 'both', action: 'fix_request' },
  131052: { title: 'Media download error', httpStatus: 400, channel: 'async', action: 'fix_request' },
  131053: { title: 'Media upload error', httpStatus: 400, channel: 'async', action: 'fix_request' },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    httpStatus: 400,
    channel: 'sync',
    action: 'retry_later',
  },
  131057: { title: 'Account in maintenance mode', httpStatus: 500, channel: 'sync', action: 'retry_backoff' },
  132000: {
    title: 'Number of parameters does not match the expected number of params',
    httpStatus: 400,
    channel: 'sync',
    action: 'fix_request',
  },
  132001: {
    title: 'Template name does not exist in the translation',
    httpStatus: 404,
    channel: 'sync',
    action: 'fix_request',
  },
  132005: { title: 'Translated text too long', httpStatus: 400, channel: 'sync', action: 'fix_request' },
  132007: {
    title: 'Template Format Character Policy Violated',
    httpStatus: 400,
    channel: 'sync',
    action: 'fix_request',
  },
  132012: {
    title: 'Parameter format does not match format in the created template',
    httpStatus: 400,
    channel: 'sync',
    action: 'fix_request',
  },
  132015: { title: 'Template is Paused', httpStatus: 400, channel: 'both', action: 'do_not_retry' },
  132016: { title: 'Template is Disabled', httpStatus: 400, channel: 'sync', action: 'do_not_retry' },
  133004: {
    title: 'Server Temporarily Unavailable',
    httpStatus: 503,
    channel: 'sync',
    action: 'retry_backoff',
  },
  133010: { title: 'Phone number Not Registered', httpStatus: 400, channel: 'sync', action: 'fix_request' },
  135000: { title: 'Generic user error', httpStatus: 400, channel: 'sync', action: 'fix_request' },
} as const satisfies Record<number, GraphErrorCodeInfo>;

/** A code present in {@link GRAPH_ERROR_CODES}. */
export type KnownGraphErrorCode = keyof typeof GRAPH_ERROR_CODES;

/** Looks a code up; `undefined` for codes Tsunagi has no row for (classify those by HTTP status). */
export function graphErrorInfo(code: number): GraphErrorCodeInfo | undefined {
  return (GRAPH_ERROR_CODES as Record<number, GraphErrorCodeInfo>)[code];
}

/**
 * What to do about an error, falling back to the HTTP status for unknown codes: 5xx and network-level
 * failures are transient, 401 means credentials, anything else is the request's fault.
 */
export function graphErrorAction(code: number | undefined, httpStatus: number): GraphErrorAction {
  const info = code === undefined ? undefined : graphErrorInfo(code);
  if (info) return info.action;
  if (httpStatus === 401) return 'refresh_token';
  if (httpStatus === 429) return 'retry_later';
  if (httpStatus >= 500) return 'retry_backoff';
  return 'fix_request';
}

/**
 * The synchronous Graph error body (`{"error":{…}}`). Loose on purpose: real bodies omit `type`,
 * `error_data` or `fbtrace_id` now and then (see the conformance corpus), and add fields we don't read.
 */
export const graphErrorBodySchema = z.object({
  error: z.looseObject({
    message: z.string(),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z.looseObject({ messaging_product: z.string().optional(), details: z.string() }).optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type GraphErrorBody = z.infer<typeof graphErrorBodySchema>;

/** One entry of `errors[]` in a `failed` status webhook or an inbound message (`title` equals `message`). */
export const webhookErrorSchema = z.looseObject({
  code: z.number().int(),
  title: z.string(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string() }).optional(),
  href: z.string().optional(),
});
export type WebhookError = z.infer<typeof webhookErrorSchema>;
