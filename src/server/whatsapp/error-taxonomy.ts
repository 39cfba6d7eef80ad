/**
 * What to do about a Graph API error, decided from its `code` first and the HTTP status second (reference
 * §2.3 and §9.2; Meta says to key logic on the code, and HTTP statuses vary by era and proxy).
 *
 * - `auth`: the token or its permissions are wrong (0, 190, 104, 3, 10, 200–299, 131005, any HTTP 401).
 *   Retrying cannot help until someone fixes the credentials: pause the number and alert.
 * - `throttle`: a rate limit. Retry later; `retryScope` says what to slow down: the whole `number`
 *   (4, 17, 32, 613, 80007, 130429, HTTP 429) or only this `recipient` (131056 pair limit).
 * - `retryable`: a transient failure (1, 2, 131000, 131016, 131057, 133004, HTTP ≥500 without a known
 *   code, no HTTP response at all). Retry with backoff.
 * - `policy`: Meta refuses on policy grounds (24 h window, marketing limits, opt-out, blocks, spam limit
 *   131048, country restrictions, undeliverable). Never retried.
 * - `permanent`: the request itself is wrong (bad parameter, template mismatch, media error, …) or the code
 *   is unknown with a 4xx status. Not retried; surfaced to the caller.
 */
export type GraphErrorCategory = 'auth' | 'throttle' | 'retryable' | 'permanent' | 'policy';

/** What to throttle after a `throttle` error. */
export type GraphRetryScope = 'number' | 'recipient';

/** The outcome of {@link classifyGraphError}. */
export interface GraphErrorClass {
  category: GraphErrorCategory;
  retryable: boolean;
  retryScope: GraphRetryScope | null;
}

/** Token / permission problems. 200–299 (API permission family) is matched as a range. */
const AUTH_CODES = new Set([0, 3, 10, 102, 104, 190, 131005]);
/** Rate limits that apply to the whole sending number (or app / WABA, which we treat the same way). */
const THROTTLE_NUMBER_CODES = new Set([4, 17, 32, 613, 80007, 130429]);
/** The (business, consumer) pair rate limit: only this recipient must wait (4^X s backoff). */
const THROTTLE_RECIPIENT_CODES = new Set([131056]);
/** Transient server-side failures. */
const RETRYABLE_CODES = new Set([1, 2, 131000, 131016, 131057, 133004]);
/** Meta decided not to deliver: retrying does not change its mind. */
const POLICY_CODES = new Set([
  368, 130472, 130497, 131026, 131031, 131042, 131047, 131048, 131049, 131050, 131063, 131064, 137000,
]);
/**
 * Known request errors (listed so a 5xx carrying one of them is still permanent). Unknown codes with a 4xx
 * status are permanent too, so this list documents rather than limits.
 */
const PERMANENT_CODES = new Set([
  33, 100, 131008, 131009, 131021, 131030, 131037, 131045, 131051, 131052, 131053, 131062, 132000, 132001,
  132005, 132007, 132012, 132015, 132016, 132068, 132069, 133000, 133005, 133006, 133008, 133009, 133010,
  133015, 133016, 134011, 135000, 136024, 136025, 803,
]);

const AUTH: GraphErrorClass = { category: 'auth', retryable: false, retryScope: null };
const POLICY: GraphErrorClass = { category: 'policy', retryable: false, retryScope: null };
const PERMANENT: GraphErrorClass = { category: 'permanent', retryable: false, retryScope: null };
const RETRYABLE: GraphErrorClass = { category: 'retryable', retryable: true, retryScope: null };
const THROTTLE_NUMBER: GraphErrorClass = { category: 'throttle', retryable: true, retryScope: 'number' };
const THROTTLE_RECIPIENT: GraphErrorClass = {
  category: 'throttle',
  retryable: true,
  retryScope: 'recipient',
};

function classifyKnownCode(code: number): GraphErrorClass | null {
  if (AUTH_CODES.has(code) || (code >= 200 && code <= 299)) return AUTH;
  if (THROTTLE_NUMBER_CODES.has(code)) return THROTTLE_NUMBER;
  if (THROTTLE_RECIPIENT_CODES.has(code)) return THROTTLE_RECIPIENT;
  if (POLICY_CODES.has(code)) return POLICY;
  if (RETRYABLE_CODES.has(code)) return RETRYABLE;
  if (PERMANENT_CODES.has(code) || (code >= 2388000 && code <= 2388999)) return PERMANENT;
  return null;
}

/**
 * Classifies a Graph error. `code` is the Graph error code (null when the response had no Graph error body,
 * e.g. an HTML 502 or a network failure); `httpStatus` is 0 when there was no HTTP response. `isTransient`
 * is Graph's own `is_transient` hint, consulted only for codes this table does not know.
 */
export function classifyGraphError(
  code: number | null,
  httpStatus: number,
  isTransient?: boolean | null,
): GraphErrorClass {
  const known = code === null ? null : classifyKnownCode(code);
  if (known?.category === 'auth' || httpStatus === 401) return AUTH;
  if (known) return known;
  if (httpStatus === 0 || httpStatus >= 500 || isTransient === true) return RETRYABLE;
  if (httpStatus === 429) return THROTTLE_NUMBER;
  return PERMANENT;
}
