import type { TFunction } from 'i18next';
import { ApiError } from './api.ts';

/**
 * Every error the console shows, in the reader's language and in words a shop owner understands: the API's
 * stable error codes (`errors.code.<code>`), and validation messages of a field (the API's
 * `details.issues[].message`, an automation document's `details.errors[].message`) by what they say — too long,
 * missing, not a number — rather than as the server wrote them. Anything unknown falls back to a plain sentence
 * for its code, never to the server's English.
 */
export function errorText(e: unknown, t: TFunction): string {
  if (e instanceof ApiError) {
    if (e.code === 'validation_failed') {
      const issues = (e.details?.issues ?? []) as Array<{ path?: string; message?: string }>;
      const first = issues[0];
      if (first?.message) return fieldProblem(first.message, t);
    }
    const key = `errors.code.${e.code}`;
    return t(key, { defaultValue: t('errors.code.unknown') });
  }
  if (e instanceof TypeError) return t('errors.network');
  return t('errors.code.unknown');
}

/** A validation message of one field, as plain words (the field itself is shown next to it by the caller). */
export function fieldProblem(message: string, t: TFunction): string {
  const max = /at most (\d+)|too big.*?(\d+)|<=\s*(\d+)/i.exec(message);
  if (max) return t('errors.field.tooLong', { max: Number(max[1] ?? max[2] ?? max[3]).toLocaleString() });
  const min = /at least (\d+)|too small.*?(\d+)|>=\s*(\d+)/i.exec(message);
  if (min && !/must not be empty/i.test(message))
    return t('errors.field.tooShort', { min: Number(min[1] ?? min[2] ?? min[3]).toLocaleString() });
  if (/received undefined|is required|must not be empty|required/i.test(message))
    return t('errors.field.required');
  if (/expected number|not a number|expected int/i.test(message)) return t('errors.field.number');
  if (/no menu with id/i.test(message)) return t('errors.field.noMenu');
  if (/used twice|duplicate/i.test(message)) return t('errors.field.duplicate');
  if (/regular expression|regex/i.test(message)) return t('errors.field.regex');
  if (/condition|\{\{#if/i.test(message)) return t('errors.field.condition');
  if (/button/i.test(message)) return t('errors.field.buttons');
  if (/keyword|trigger/i.test(message)) return t('errors.field.keywords');
  return t('errors.field.invalid');
}
