import type { TFunction } from 'i18next';
import type { CampaignDto } from '../../../contracts/campaign.schemas.ts';

/*
 * How campaign figures read (pure, Intl in the reader's locale): money of estimates, schedules, skip reasons and
 * Graph error codes in words.
 */

/**
 * An amount of money: the currency's usual decimals (`$0.30`, `¥1,200`), and up to two more when a per-message
 * price has them (`$0.0135`).
 */
export function formatMoney(amount: number, currency: string, locale: string): string {
  const usual = new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: usual,
    maximumFractionDigits: (usual ?? 2) + 2,
  }).format(amount);
}

/** An instant, date and time in the reader's zone: `Mar 2, 2026, 9:00 AM` / `2026/03/02 9:00`. */
export function formatInstant(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A local calendar date (`YYYY-MM-DD`, no zone) in words. */
export function formatLocalDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** When the campaign sends, in words. */
export function scheduleText(s: CampaignDto['schedule'], t: TFunction, locale: string): string {
  if (s.kind === 'now') return t('campaigns.schedule.nowSummary');
  if (s.kind === 'at') return t('campaigns.schedule.atSummary', { at: formatInstant(s.at, locale) });
  return t('campaigns.schedule.localSummary', { date: formatLocalDate(s.date, locale), time: s.time });
}

/** Why a contact gets no message, in words (an unknown reason shows its code). */
export function skipReasonText(reason: string, t: TFunction): string {
  return t(`campaigns.skipReasons.${reason}`, { defaultValue: reason });
}

/** What a Graph error code means, in the reader's language (codes the console does not know say so). */
export function errorCodeText(code: number | null, t: TFunction): string {
  if (code === null) return t('campaigns.errorMeanings.none');
  return t(`campaigns.errorMeanings.c${code}`, {
    defaultValue: t('campaigns.errorMeanings.unknown', { code }),
  });
}
