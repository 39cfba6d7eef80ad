import type { TFunction } from 'i18next';
import { ApiError } from '../../lib/api.ts';

/**
 * The message for a failed password check (sign-in, accept as an existing account, password change):
 * throttling says how long to wait (from `Retry-After`, also in `details.retryAfterSeconds`).
 */
export function signInErrorText(err: unknown, t: TFunction): string {
  if (err instanceof ApiError && err.code === 'too_many_attempts') {
    const s = Number(err.details?.retryAfterSeconds);
    if (!Number.isFinite(s) || s <= 0) return t('auth.lockedSoon');
    return s < 60
      ? t('auth.lockedSeconds', { seconds: s })
      : t('auth.locked', { minutes: Math.ceil(s / 60) });
  }
  if (err instanceof ApiError && err.code === 'invalid_credentials') return t('auth.invalid');
  if (err instanceof ApiError && err.code === 'wrong_current_password') return t('password.wrongCurrent');
  return err instanceof Error ? err.message : t('app.error');
}
