import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocProps } from './AutomationPage.tsx';
import { errorsAt, removeAt, replaceAt } from './draft.ts';
import {
  DAYS,
  addInterval,
  copyDay,
  defaultHours,
  exceptionKind,
  intervalProblem,
  isOvernight,
  timeZones,
  upsertException,
  type Day,
} from './schedule.ts';
import type { Hours, Interval } from './types.ts';
import { FieldErrors } from './widgets.tsx';

const WEEKDAYS: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** Local opening intervals of one day (or one exception): HH:MM inputs, overnight marked, add / remove. */
function IntervalsEditor({
  list,
  onChange,
  path,
  errors,
  label,
}: {
  list: readonly Interval[];
  onChange: (l: Interval[]) => void;
  path: string;
  errors: DocProps['errors'];
  label: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="intervals">
      {list.length === 0 && <span className="small muted">{t('automation.hours.closed')}</span>}
      {list.map((iv, i) => {
        const problem = intervalProblem(iv);
        return (
          <span key={i} className="interval">
            <input
              className="time-input"
              aria-label={`${label} ${t('automation.hours.open')} ${i + 1}`}
              value={iv.open}
              placeholder="09:00"
              inputMode="numeric"
              onChange={(e) => onChange(replaceAt(list, i, { ...iv, open: e.target.value }))}
            />
            –
            <input
              className="time-input"
              aria-label={`${label} ${t('automation.hours.close')} ${i + 1}`}
              value={iv.close}
              placeholder="18:00"
              inputMode="numeric"
              onChange={(e) => onChange(replaceAt(list, i, { ...iv, close: e.target.value }))}
            />
            {isOvernight(iv) && <span className="chip">{t('automation.hours.nextDay')}</span>}
            <button
              type="button"
              className="icon-button"
              aria-label={t('automation.hours.removeInterval')}
              onClick={() => onChange(removeAt(list, i))}
            >
              ×
            </button>
            {problem && <span className="field-hint-error">{t(`automation.hours.${problem}`)}</span>}
            <FieldErrors errors={errorsAt(errors, `${path}.${i}`)} />
          </span>
        );
      })}
      <button type="button" className="link-button small" onClick={() => onChange(addInterval(list))}>
        + {t('automation.hours.addInterval')}
      </button>
    </div>
  );
}

/** Business hours: time zone, weekly schedule (several intervals a day, overnight allowed), holidays. */
export function HoursTab({ doc, update, errors, canEdit }: DocProps) {
  const { t } = useTranslation();
  const hours = doc.businessHours ?? null;
  const zones = useMemo(() => timeZones(hours?.timeZone), [hours?.timeZone]);
  const [newDate, setNewDate] = useState('');
  const set = (h: Hours | null) => update((d) => ({ ...d, businessHours: h }));

  return (
    <fieldset className="hours" disabled={!canEdit}>
      <label className="check">
        <input
          type="checkbox"
          checked={hours !== null}
          onChange={(e) => set(e.target.checked ? defaultHours() : null)}
        />
        {t('automation.hours.enabled')}
      </label>
      {hours === null ? (
        <p className="small muted">{t('automation.hours.alwaysOpen')}</p>
      ) : (
        <>
          <label className="field">
            <span>{t('automation.hours.timeZone')}</span>
            <select value={hours.timeZone} onChange={(e) => set({ ...hours, timeZone: e.target.value })}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
            <FieldErrors errors={errorsAt(errors, 'businessHours.timeZone')} />
          </label>
          <h3>{t('automation.hours.weekly')}</h3>
          <p className="small muted">{t('automation.hours.weeklyHint')}</p>
          <table className="table week">
            <tbody>
              {DAYS.map((day) => (
                <tr key={day}>
                  <th scope="row">{t(`automation.days.${day}`)}</th>
                  <td>
                    <IntervalsEditor
                      list={hours.weekly[day] ?? []}
                      label={t(`automation.days.${day}`)}
                      path={`businessHours.weekly.${day}`}
                      errors={errors}
                      onChange={(l) => set({ ...hours, weekly: { ...hours.weekly, [day]: l } })}
                    />
                  </td>
                  <td className="actions">
                    {day === 'mon' && (
                      <button
                        type="button"
                        className="btn subtle small"
                        onClick={() =>
                          set({ ...hours, weekly: copyDay(hours.weekly, 'mon', WEEKDAYS.slice(1)) })
                        }
                      >
                        {t('automation.hours.copyToWeekdays')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>

          <h3>{t('automation.hours.exceptions')}</h3>
          <p className="small muted">{t('automation.hours.exceptionsHint')}</p>
          <ul className="card-list">
            {(hours.exceptions ?? []).map((ex, i) => (
              <li key={ex.date} className="card exception">
                <div className="row-card">
                  <strong>{ex.date}</strong>
                  <input
                    aria-label={t('automation.hours.exceptionName')}
                    placeholder={t('automation.hours.exceptionName')}
                    value={ex.name ?? ''}
                    onChange={(e) =>
                      set({
                        ...hours,
                        exceptions: replaceAt(hours.exceptions ?? [], i, { ...ex, name: e.target.value }),
                      })
                    }
                  />
                  <select
                    aria-label={t('automation.hours.exceptionKind')}
                    value={exceptionKind(ex)}
                    onChange={(e) =>
                      set({
                        ...hours,
                        exceptions: replaceAt(hours.exceptions ?? [], i, {
                          ...ex,
                          intervals: e.target.value === 'closed' ? [] : [{ open: '10:00', close: '15:00' }],
                        }),
                      })
                    }
                  >
                    <option value="closed">{t('automation.hours.holiday')}</option>
                    <option value="special">{t('automation.hours.special')}</option>
                  </select>
                  <span className="spacer" />
                  <button
                    type="button"
                    className="btn subtle small danger"
                    onClick={() => set({ ...hours, exceptions: removeAt(hours.exceptions ?? [], i) })}
                  >
                    {t('app.delete')}
                  </button>
                </div>
                {exceptionKind(ex) === 'special' && (
                  <IntervalsEditor
                    list={ex.intervals ?? []}
                    label={ex.date}
                    path={`businessHours.exceptions.${i}.intervals`}
                    errors={errors}
                    onChange={(l) =>
                      set({
                        ...hours,
                        exceptions: replaceAt(hours.exceptions ?? [], i, {
                          ...ex,
                          intervals: l.length ? l : [{ open: '10:00', close: '15:00' }],
                        }),
                      })
                    }
                  />
                )}
                <FieldErrors errors={errorsAt(errors, `businessHours.exceptions.${i}.date`)} />
              </li>
            ))}
          </ul>
          <div className="inline-field">
            <input
              type="date"
              aria-label={t('automation.hours.exceptionDate')}
              value={newDate}
              onChange={(e) => setNewDate(e.target.value)}
            />
            <button
              type="button"
              className="btn small"
              disabled={!/^\d{4}-\d{2}-\d{2}$/.test(newDate)}
              onClick={() => {
                set({
                  ...hours,
                  exceptions: upsertException(hours.exceptions ?? [], { date: newDate, intervals: [] }),
                });
                setNewDate('');
              }}
            >
              + {t('automation.hours.addException')}
            </button>
          </div>
        </>
      )}
    </fieldset>
  );
}
