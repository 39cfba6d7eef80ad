/** A console session lasts 14 days. */
export const SESSION_TTL_MS = 14 * 24 * 60 * 60_000;
