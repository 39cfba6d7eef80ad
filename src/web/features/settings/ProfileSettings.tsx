import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { usePhoneNumbers } from '../../lib/queries.ts';
import type { BusinessProfile } from '../../lib/types.ts';

const FIELDS = ['about', 'address', 'description', 'email', 'vertical'] as const;
/** WhatsApp's limit for "about" (UTF-16 code units, as the API and `String.length` count). */
const ABOUT_MAX = 139;

/** The WhatsApp business profile of each number (about, address, description, email, websites, industry). */
export function ProfileSettings() {
  const { t } = useTranslation();
  const numbers = usePhoneNumbers().data ?? [];
  const [numberId, setNumberId] = useState('');
  const [profile, setProfile] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const id = numberId || numbers[0]?.id || '';
  const aboutLength = (profile.about ?? '').length;
  // No `maxLength` on "about": it would silently cut a pasted text; say it is too long instead.
  const aboutTooLong = aboutLength > ABOUT_MAX;

  useEffect(() => {
    if (!id) return;
    setStatus(null);
    api<BusinessProfile>(`/phone-numbers/${id}/profile`)
      .then((p) =>
        setProfile({
          ...Object.fromEntries(FIELDS.map((f) => [f, p[f] ?? ''])),
          websites: (p.websites ?? []).join('\n'),
        }),
      )
      .catch((e: Error) => setStatus({ ok: false, text: e.message }));
  }, [id]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (aboutTooLong) return;
    setStatus(null);
    try {
      const body: Record<string, unknown> = Object.fromEntries(FIELDS.map((f) => [f, profile[f] ?? '']));
      body.websites = (profile.websites ?? '')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      await api(`/phone-numbers/${id}/profile`, { method: 'PATCH', body });
      setStatus({ ok: true, text: t('app.saved') });
    } catch (err) {
      setStatus({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void save(e)}>
      <label className="field">
        <span>{t('settings.profile.number')}</span>
        <select value={id} onChange={(e) => setNumberId(e.target.value)}>
          {numbers.map((n) => (
            <option key={n.id} value={n.id}>
              {n.label ? `${n.label} (${n.displayPhoneNumber})` : n.displayPhoneNumber}
            </option>
          ))}
        </select>
      </label>
      {FIELDS.map((f) => (
        <label key={f} className="field">
          <span id={`profile-${f}-label`}>{t(`settings.profile.${f}`)}</span>
          {f === 'description' ? (
            <textarea
              rows={3}
              maxLength={512}
              value={profile[f] ?? ''}
              onChange={(e) => setProfile({ ...profile, [f]: e.target.value })}
            />
          ) : f === 'about' ? (
            <>
              <input
                aria-labelledby="profile-about-label"
                aria-invalid={aboutTooLong}
                aria-describedby="profile-about-count"
                value={profile[f] ?? ''}
                onChange={(e) => setProfile({ ...profile, [f]: e.target.value })}
              />
              <small
                id="profile-about-count"
                className={aboutTooLong ? 'form-error' : 'muted'}
                role={aboutTooLong ? 'alert' : undefined}
              >
                {aboutTooLong
                  ? t('settings.profile.aboutTooLong', { max: ABOUT_MAX, count: aboutLength })
                  : `${aboutLength}/${ABOUT_MAX}`}
              </small>
            </>
          ) : (
            <input
              maxLength={256}
              value={profile[f] ?? ''}
              onChange={(e) => setProfile({ ...profile, [f]: e.target.value })}
            />
          )}
        </label>
      ))}
      <label className="field">
        <span>{t('settings.profile.websites')}</span>
        <textarea
          rows={2}
          value={profile.websites ?? ''}
          onChange={(e) => setProfile({ ...profile, websites: e.target.value })}
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!id || aboutTooLong}>
          {t('app.save')}
        </button>
        {status?.ok && (
          <span className="small" role="status">
            {status.text}
          </span>
        )}
        {status && !status.ok && (
          <span className="small form-error" role="alert">
            {status.text}
          </span>
        )}
      </div>
    </form>
  );
}
