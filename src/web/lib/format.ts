import type { TFunction } from 'i18next';
import { compactDuration, listTimeKind, splitDuration } from './time.ts';
import type { Contact } from './types.ts';

/** The name an agent sees for a contact: the saved name, else the WhatsApp name, else the number. */
export function contactDisplayName(c: Contact | undefined | null): string {
  return c?.name || c?.profileName || c?.phone || (c?.waId ? `+${c.waId}` : '—');
}

/** Initials for an avatar (first letters of up to two words; one CJK character). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...(words[0] as string)][0] ?? '?';
  if (/[\u3040-\u30ff\u3400-\u9fff]/.test(first)) return first;
  const second = words[1] ? ([...words[1]][0] ?? '') : '';
  return (first + second).toUpperCase();
}

/** A stable hue for a contact's avatar. */
export function hueOf(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

/** `12:34`, `Tue`, or `3/14` depending on age, in the UI language. */
export function formatListTime(iso: string, now: number, locale: string): string {
  const kind = listTimeKind(iso, now);
  const d = new Date(iso);
  if (kind === 'time') return d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (kind === 'weekday') return d.toLocaleDateString(locale, { weekday: 'short' });
  return d.toLocaleDateString(locale, { month: 'numeric', day: 'numeric' });
}

/** `5m` / `5 分` etc. */
export function formatCompact(t: TFunction, ms: number): string {
  const { value, unit } = compactDuration(ms);
  return t(`units.${unit}`, { value });
}

/** `23h 5m` / `23 時間 5 分` for the window countdown. */
export function formatRemaining(t: TFunction, ms: number): string {
  const p = splitDuration(ms);
  const h = p.days * 24 + p.hours;
  return h > 0
    ? `${t('units.h', { value: h })} ${t('units.m', { value: p.minutes })}`
    : t('units.m', { value: p.minutes });
}

/** Hour and minute of an ISO timestamp in the viewer's time zone, in `locale`'s style (e.g. 14:05). */
export function formatTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/** Short date and time of an ISO timestamp in the viewer's time zone (e.g. 12月5日 14:05), for timelines and lists. */
export function formatDateTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleString(locale, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}
