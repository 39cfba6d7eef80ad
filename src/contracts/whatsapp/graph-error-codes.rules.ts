/**
 * The Cloud API error codes Tsunagi knows, with Meta's title, the HTTP status Meta's table gives for the
 * synchronous form, the channel it arrives on. The simulator produces errors from it; how the production adapter
 * reacts to each code (auth, throttle, retryable, permanent, policy) is decided in
 * `server/whatsapp/error-taxonomy.ts`. Source: reference §2.3 (`whatsapp-cloud-api.md`), Meta's error-codes page, kapso's retry
 * categories.
 */

/** How an error reaches us: the HTTP answer of the call, a `failed` status webhook, or both. */
export type GraphErrorChannel = 'sync' | 'async' | 'both';

/** One row of the table. */
export interface GraphErrorCodeInfo {
  /** Meta's title; the simulator renders `message` as `(#code) title`. */
  title: string;
  /** HTTP status of the synchronous form per Meta's table (async-only codes carry the 400 Meta lists). */
  httpStatus: number;
  channel: GraphErrorChannel;
}

export const GRAPH_ERROR_CODES = {
  0: { title: 'AuthException', httpStatus: 401, channel: 'sync' },
  1: { title: 'API Unknown', httpStatus: 400, channel: 'sync' },
  2: { title: 'API Service', httpStatus: 503, channel: 'sync' },
  3: { title: 'API Method', httpStatus: 500, channel: 'sync' },
  4: { title: 'API Too Many Calls', httpStatus: 400, channel: 'sync' },
  10: { title: 'Permission denied', httpStatus: 403, channel: 'sync' },
  33: { title: 'Parameter value is not valid', httpStatus: 400, channel: 'sync' },
  100: { title: 'Invalid parameter', httpStatus: 400, channel: 'sync' },
  190: { title: 'Access token has expired', httpStatus: 401, channel: 'sync' },
  200: { title: 'API Permission', httpStatus: 403, channel: 'sync' },
  368: {
    title: 'Temporarily blocked for policies violations',
    httpStatus: 403,
    channel: 'sync',
  },
  80007: { title: 'Rate limit issues', httpStatus: 400, channel: 'sync' },
  130429: { title: 'Rate limit hit', httpStatus: 400, channel: 'both' },
  130472: {
    title: "User's number is part of an experiment",
    httpStatus: 400,
    channel: 'async',
  },
  130497: {
    title: 'Business account is restricted from messaging users in this country',
    httpStatus: 403,
    channel: 'sync',
  },
  131000: { title: 'Something went wrong', httpStatus: 500, channel: 'both' },
  131005: { title: 'Access denied', httpStatus: 403, channel: 'sync' },
  131008: { title: 'Required parameter is missing', httpStatus: 400, channel: 'sync' },
  131009: { title: 'Parameter value is not valid', httpStatus: 400, channel: 'both' },
  131016: { title: 'Service unavailable', httpStatus: 500, channel: 'sync' },
  131021: { title: 'Recipient cannot be sender', httpStatus: 400, channel: 'sync' },
  131026: { title: 'Message undeliverable', httpStatus: 400, channel: 'async' },
  131030: {
    title: 'Recipient phone number not in allowed list',
    httpStatus: 400,
    channel: 'sync',
  },
  131031: { title: 'Account has been locked', httpStatus: 403, channel: 'both' },
  131042: {
    title: 'Business eligibility payment issue',
    httpStatus: 400,
    channel: 'both',
  },
  131045: { title: 'Incorrect certificate', httpStatus: 500, channel: 'sync' },
  131047: { title: 'Re-engagement message', httpStatus: 400, channel: 'async' },
  131048: { title: 'Spam rate limit hit', httpStatus: 400, channel: 'both' },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    httpStatus: 400,
    channel: 'async',
  },
  131050: {
    title: 'User stopped marketing messages',
    httpStatus: 400,
    channel: 'async',
  },
  131051: { title: 'Unsupported message type', httpStatus: 400, channel: 'both' },
  131052: { title: 'Media download error', httpStatus: 400, channel: 'async' },
  131053: { title: 'Media upload error', httpStatus: 400, channel: 'async' },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    httpStatus: 400,
    channel: 'sync',
  },
  131057: { title: 'Account in maintenance mode', httpStatus: 500, channel: 'sync' },
  132000: {
    title: 'Number of parameters does not match the expected number of params',
    httpStatus: 400,
    channel: 'sync',
  },
  132001: {
    title: 'Template name does not exist in the translation',
    httpStatus: 404,
    channel: 'sync',
  },
  132005: { title: 'Translated text too long', httpStatus: 400, channel: 'sync' },
  132007: {
    title: 'Template Format Character Policy Violated',
    httpStatus: 400,
    channel: 'sync',
  },
  132012: {
    title: 'Parameter format does not match format in the created template',
    httpStatus: 400,
    channel: 'sync',
  },
  132015: { title: 'Template is Paused', httpStatus: 400, channel: 'both' },
  132016: { title: 'Template is Disabled', httpStatus: 400, channel: 'sync' },
  133004: {
    title: 'Server Temporarily Unavailable',
    httpStatus: 503,
    channel: 'sync',
  },
  133010: { title: 'Phone number Not Registered', httpStatus: 400, channel: 'sync' },
  135000: { title: 'Generic user error', httpStatus: 400, channel: 'sync' },
} as const satisfies Record<number, GraphErrorCodeInfo>;

/** A code present in {@link GRAPH_ERROR_CODES}. */
export type KnownGraphErrorCode = keyof typeof GRAPH_ERROR_CODES;

/** Looks a code up; `undefined` for codes Tsunagi has no row for (classify those by HTTP status). */
export function graphErrorInfo(code: number): GraphErrorCodeInfo | undefined {
  return (GRAPH_ERROR_CODES as Record<number, GraphErrorCodeInfo>)[code];
}
