import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CampaignDto } from '../../../contracts/campaign.schemas.ts';
import { Link, navigate, useLeaveGuard } from '../../app/router.tsx';
import { errorText } from '../../lib/errors.ts';
import { usePhoneNumbers } from '../../lib/queries.ts';
import { fillText } from '../../lib/template.ts';
import { formatCount } from '../analytics/format.ts';
import {
  emptyForm,
  formOf,
  formProblems,
  localDate,
  templateKey,
  toInput,
  type CampaignForm,
  type FormProblems,
} from './campaign-form.ts';
import { buttonsFor, headerFor, variablesFor } from './template-values-form.ts';
import { TemplateValuesEditor } from './TemplateValues.tsx';
import type { CampaignAbilities } from './campaign-view.ts';
import { DraftActions } from './DraftActions.tsx';
import {
  useApprovedTemplates,
  useAudienceImport,
  useContactAttributes,
  usePreviewCondition,
  useSaveCampaign,
  useSegments,
  useUploadAudienceCsv,
  useWorkspaceTimeZone,
} from './queries.ts';

/**
 * The campaign builder: a new campaign (`campaign` null) or a saved draft. Name and sending numbers, an approved
 * template with its header media (a file or a link) and its values — body and header variables, URL button suffixes,
 * quick-reply payloads — mapped to contact fields, attributes and more (each with a fallback), the audience (a
 * saved segment or a condition), exclusions, when to send (now, at a time, or at a local time in each recipient's
 * zone) within decent hours, and limits. Saving makes or updates the draft; a saved draft shows its estimate and
 * the launch beside the form.
 */
export function CampaignBuilder({ campaign, can }: { campaign: CampaignDto | null; can: CampaignAbilities }) {
  const { t } = useTranslation();
  // Outlives the form, which restarts from each saved version.
  const [notice, setNotice] = useState('');
  const templates = useApprovedTemplates();
  const zone = useWorkspaceTimeZone();
  const numbers = usePhoneNumbers();
  if (!templates.isSuccess || !zone.isSuccess || !numbers.isSuccess)
    return <div className="list-status">{t('app.loading')}</div>;
  const tomorrow = localDate(new Date(), zone.data, 1);
  const tpl = campaign
    ? templates.data.find((x) => templateKey(x) === templateKey(campaign.template))
    : undefined;
  const initial = campaign
    ? formOf(campaign, tpl, tomorrow)
    : emptyForm({ tomorrow, ...(numbers.data[0] ? { phoneNumberId: numbers.data[0].id } : {}) });
  return (
    <BuilderForm
      // A saved change comes back as a new version: the form restarts from it.
      key={campaign?.updatedAt ?? 'new'}
      campaign={campaign}
      initial={initial}
      can={can}
      zone={zone.data}
      notice={notice}
      setNotice={setNotice}
    />
  );
}

function BuilderForm(props: {
  campaign: CampaignDto | null;
  initial: CampaignForm;
  can: CampaignAbilities;
  zone: string;
  notice: string;
  setNotice: (notice: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [f, setF] = useState<CampaignForm>(props.initial);
  const [shown, setShown] = useState<FormProblems>({});
  const { notice, setNotice } = props;
  const save = useSaveCampaign();
  const numbers = usePhoneNumbers().data ?? [];
  const templates = useApprovedTemplates().data ?? [];
  const segments = useSegments();
  const attributes = useContactAttributes().data ?? [];
  const preview = usePreviewCondition(f.audienceKind === 'condition' ? f.condition : '');
  const dirty = JSON.stringify(f) !== JSON.stringify(props.initial);
  // Unsaved changes ask before any way out, except the builder's own moves (to the saved draft, after a deletion).
  const leaving = useRef(false);
  const stays = useCallback(() => leaving.current, []);
  useLeaveGuard(dirty, t('campaigns.leaveUnsaved'), stays);
  const set = <K extends keyof CampaignForm>(k: K, v: CampaignForm[K]) => {
    setF((x) => ({ ...x, [k]: v }));
    setNotice('');
  };
  const options = useMemo(() => {
    const seen = new Set<string>();
    return templates.filter((x) => !seen.has(templateKey(x)) && seen.add(templateKey(x)));
  }, [templates]);
  // The audience's own segment cannot also be excluded.
  const excludable = (segments.data ?? []).filter(
    (s) => s.id !== f.segmentId || f.audienceKind !== 'segment',
  );
  const chosen = options.find((x) => templateKey(x) === f.template);
  const body = chosen?.components.find((c) => String(c.type).toUpperCase() === 'BODY');
  const bodyText = typeof body?.text === 'string' ? body.text : '';
  const header = chosen?.components.find((c) => String(c.type).toUpperCase() === 'HEADER');
  const headerText = typeof header?.text === 'string' && !f.headerMedia ? header.text : '';
  const problem = (k: keyof FormProblems) =>
    shown[k] ? (
      <span className="field-hint-error small" role="alert">
        {t(`campaigns.problems.${shown[k]}`)}
      </span>
    ) : null;

  const chooseTemplate = (key: string) =>
    setF((x) => {
      const tpl = options.find((o) => templateKey(o) === key);
      return {
        ...x,
        template: key,
        variables: variablesFor(tpl, x.variables),
        ...headerFor(tpl, x),
        buttons: buttonsFor(tpl, x.buttons),
      };
    });
  const toggle = (list: string[], id: string, on: boolean) =>
    on ? [...new Set([...list, id])] : list.filter((x) => x !== id);

  const submit = () => {
    const problems = formProblems(f);
    setShown(problems);
    if (Object.keys(problems).length > 0) return;
    save.mutate(
      { id: props.campaign?.id ?? null, input: toInput(f) },
      {
        onSuccess: (c) => {
          setNotice(t('campaigns.saved'));
          if (!props.campaign) {
            leaving.current = true;
            navigate(`/campaigns/${c.id}`);
          }
        },
      },
    );
  };

  return (
    <div className="campaigns-page campaign-builder">
      <header className="contacts-head">
        <Link href="/campaigns" className="btn subtle small">
          ← {t('campaigns.title')}
        </Link>
        <h1>{props.campaign ? t('campaigns.editDraft') : t('campaigns.new')}</h1>
      </header>
      <div className="campaign-builder-grid">
        <form
          className="campaign-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Section title={t('campaigns.sections.basics')}>
            <label className="field">
              <span>{t('campaigns.name')}</span>
              <input
                name="name"
                value={f.name}
                maxLength={200}
                onChange={(e) => set('name', e.target.value)}
              />
              {problem('name')}
            </label>
            <fieldset className="field">
              <legend>{t('campaigns.numbers')}</legend>
              {numbers.map((n) => (
                <label key={n.id} className="check">
                  <input
                    type="checkbox"
                    checked={f.phoneNumberIds.includes(n.id)}
                    onChange={(e) => set('phoneNumberIds', toggle(f.phoneNumberIds, n.id, e.target.checked))}
                  />
                  <span data-content>{n.label ?? n.displayPhoneNumber}</span>
                  <span className="small muted mono">{n.displayPhoneNumber}</span>
                </label>
              ))}
              <span className="small muted">{t('campaigns.numbersHint')}</span>
              {problem('phoneNumberIds')}
            </fieldset>
          </Section>

          <Section title={t('campaigns.sections.message')}>
            <label className="field">
              <span>{t('campaigns.template')}</span>
              <select name="template" value={f.template} onChange={(e) => chooseTemplate(e.target.value)}>
                <option value="">{t('campaigns.pickTemplate')}</option>
                {options.map((o) => (
                  <option key={templateKey(o)} value={templateKey(o)}>
                    {o.name} ({o.language}) · {o.category}
                  </option>
                ))}
              </select>
              <span className="small muted">{t('campaigns.templateHint')}</span>
              {problem('template')}
            </label>
            <TemplateValuesEditor
              f={f}
              setF={setF}
              phoneNumberId={f.phoneNumberIds[0]}
              attributes={attributes}
              problem={problem}
            />
            {bodyText && (
              <div className="campaign-preview">
                <span className="small muted">{t('campaigns.previewFallbacks')}</span>
                <p className="template-body" data-content>
                  {f.headerMedia && (
                    <span className="template-header small muted">
                      {t('campaigns.headerMedia.preview', {
                        type: t(`campaigns.headerMedia.types.${f.headerMedia.type}`),
                        name: f.headerMedia.mode === 'link' ? f.headerMedia.link : f.headerMedia.filename,
                      })}
                    </span>
                  )}
                  {headerText && (
                    <strong className="template-header">
                      {fillText(headerText, () => f.headerVariable?.fallback)}
                    </strong>
                  )}
                  {fillText(bodyText, (name) => f.variables.find((v) => v.placeholder === name)?.fallback)}
                </p>
              </div>
            )}
          </Section>

          <Section title={t('campaigns.sections.audience')}>
            <div className="segmented-radios" role="radiogroup" aria-label={t('campaigns.audience')}>
              {(['segment', 'condition', 'csv'] as const).map((k) => (
                <label key={k} className="check">
                  <input
                    type="radio"
                    name="audience"
                    value={k}
                    checked={f.audienceKind === k}
                    onChange={() => set('audienceKind', k)}
                  />
                  {t(`campaigns.audienceKinds.${k}`)}
                </label>
              ))}
              {f.audienceKind === 'contacts' && (
                <span className="small muted">
                  {t('campaigns.audienceContacts', {
                    count: f.contactIds.length,
                    value: formatCount(f.contactIds.length, locale),
                  })}
                </span>
              )}
            </div>
            {f.audienceKind === 'segment' && (
              <label className="field">
                <span>{t('campaigns.segment')}</span>
                <select name="segment" value={f.segmentId} onChange={(e) => set('segmentId', e.target.value)}>
                  <option value="">{t('campaigns.pickSegment')}</option>
                  {(segments.data ?? []).map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
                {segments.isSuccess && segments.data.length === 0 && (
                  <span className="small muted">{t('campaigns.noSegments')}</span>
                )}
                {problem('segmentId')}
              </label>
            )}
            {f.audienceKind === 'csv' && (
              <CsvAudience importId={f.importId} onImported={(id) => set('importId', id)}>
                {problem('importId')}
              </CsvAudience>
            )}
            {f.audienceKind === 'condition' && (
              <label className="field">
                <span>{t('campaigns.condition')}</span>
                <input
                  name="condition"
                  className="mono"
                  value={f.condition}
                  placeholder='contact.country = "JP"'
                  onChange={(e) => set('condition', e.target.value)}
                />
                <span className="small muted" aria-live="polite">
                  {preview.isError ? (
                    t('errors.field.condition')
                  ) : preview.isSuccess ? (
                    t('campaigns.conditionMatches', {
                      count: preview.data,
                      value: formatCount(preview.data, locale),
                    })
                  ) : (
                    <>
                      {t('campaigns.conditionHint')} <code>contact.tags has vip</code>
                    </>
                  )}
                </span>
                {problem('condition')}
              </label>
            )}
            <fieldset className="field">
              <legend>{t('campaigns.excludedSegments')}</legend>
              {excludable.map((s) => (
                <label key={s.id} className="check">
                  <input
                    type="checkbox"
                    checked={f.excludedSegmentIds.includes(s.id)}
                    onChange={(e) =>
                      set('excludedSegmentIds', toggle(f.excludedSegmentIds, s.id, e.target.checked))
                    }
                  />
                  <span data-content>{s.name}</span>
                </label>
              ))}
              {segments.isSuccess && excludable.length === 0 && (
                <span className="small muted">{t('campaigns.noOtherSegments')}</span>
              )}
            </fieldset>
            <div className="field">
              <label className="check">
                <input
                  type="checkbox"
                  checked={f.frequencyCapOn}
                  onChange={(e) => set('frequencyCapOn', e.target.checked)}
                />
                {t('campaigns.frequencyCap')}
              </label>
              {f.frequencyCapOn && (
                <span className="inline-field">
                  <input
                    type="number"
                    min={1}
                    max={100}
                    className="narrow"
                    aria-label={t('campaigns.frequencyCapCount')}
                    value={f.frequencyCapCount}
                    onChange={(e) => set('frequencyCapCount', e.target.value)}
                  />
                  {t('campaigns.frequencyCapMiddle')}
                  <input
                    type="number"
                    min={1}
                    max={90}
                    className="narrow"
                    aria-label={t('campaigns.frequencyCapDays')}
                    value={f.frequencyCapDays}
                    onChange={(e) => set('frequencyCapDays', e.target.value)}
                  />
                  {t('campaigns.frequencyCapEnd')}
                </span>
              )}
              {problem('frequencyCapCount') ?? problem('frequencyCapDays')}
            </div>
            <label className="field">
              <span>{t('campaigns.optIn')}</span>
              <select
                value={f.requireOptIn}
                onChange={(e) => set('requireOptIn', e.target.value as CampaignForm['requireOptIn'])}
              >
                {(['default', 'yes', 'no'] as const).map((k) => (
                  <option key={k} value={k}>
                    {t(`campaigns.optInChoices.${k}`)}
                  </option>
                ))}
              </select>
              <span className="small muted">{t('campaigns.optInHint')}</span>
            </label>
          </Section>

          <Section title={t('campaigns.sections.schedule')}>
            <div role="radiogroup" aria-label={t('campaigns.when')} className="campaign-schedule">
              {(['now', 'at', 'local'] as const).map((k) => (
                <label key={k} className="check">
                  <input
                    type="radio"
                    name="schedule"
                    value={k}
                    checked={f.scheduleKind === k}
                    onChange={() => set('scheduleKind', k)}
                  />
                  {t(`campaigns.schedule.${k}`)}
                </label>
              ))}
            </div>
            {f.scheduleKind === 'at' && (
              <label className="field">
                <span>{t('campaigns.schedule.atLabel')}</span>
                <input
                  type="datetime-local"
                  name="at"
                  value={f.at}
                  onChange={(e) => set('at', e.target.value)}
                />
                <span className="small muted">{t('campaigns.schedule.atHint')}</span>
                {problem('at')}
              </label>
            )}
            {f.scheduleKind === 'local' && (
              <div className="inline-fields">
                <label className="field">
                  <span>{t('campaigns.schedule.date')}</span>
                  <input
                    type="date"
                    name="date"
                    value={f.date}
                    onChange={(e) => set('date', e.target.value)}
                  />
                  {problem('date')}
                </label>
                <label className="field">
                  <span>{t('campaigns.schedule.time')}</span>
                  <input
                    type="time"
                    name="time"
                    value={f.time}
                    onChange={(e) => set('time', e.target.value)}
                  />
                  {problem('time')}
                </label>
                <span className="small muted">{t('campaigns.schedule.localHint', { zone: props.zone })}</span>
              </div>
            )}
            <div className="inline-fields">
              <label className="field">
                <span>{t('campaigns.quietStart')}</span>
                <input
                  type="time"
                  name="quietStart"
                  value={f.quietStart}
                  onChange={(e) => set('quietStart', e.target.value)}
                />
                {problem('quietStart')}
              </label>
              <label className="field">
                <span>{t('campaigns.quietEnd')}</span>
                <input
                  type="time"
                  name="quietEnd"
                  value={f.quietEnd}
                  onChange={(e) => set('quietEnd', e.target.value)}
                />
                {problem('quietEnd')}
              </label>
            </div>
            <span className="small muted">{t('campaigns.quietHint')}</span>
          </Section>

          <Section title={t('campaigns.sections.limits')}>
            <label className="field">
              <span>{t('campaigns.hourlyCap')}</span>
              <input
                type="number"
                min={1}
                className="narrow"
                value={f.hourlyCap}
                placeholder={t('campaigns.noCap')}
                onChange={(e) => set('hourlyCap', e.target.value)}
              />
              <span className="small muted">{t('campaigns.hourlyCapHint')}</span>
              {problem('hourlyCap')}
            </label>
            <div className="field">
              <label className="check">
                <input type="checkbox" checked={f.rampOn} onChange={(e) => set('rampOn', e.target.checked)} />
                {t('campaigns.ramp')}
              </label>
              {f.rampOn && (
                <div className="inline-fields">
                  <label className="field">
                    <span>{t('campaigns.rampStart')}</span>
                    <input
                      type="number"
                      min={1}
                      className="narrow"
                      value={f.rampStart}
                      onChange={(e) => set('rampStart', e.target.value)}
                    />
                    {problem('rampStart')}
                  </label>
                  <label className="field">
                    <span>{t('campaigns.rampGrowth')}</span>
                    <input
                      type="number"
                      min={1}
                      max={10}
                      step={0.1}
                      className="narrow"
                      value={f.rampGrowth}
                      onChange={(e) => set('rampGrowth', e.target.value)}
                    />
                    {problem('rampGrowth')}
                  </label>
                  <label className="field">
                    <span>{t('campaigns.rampDays')}</span>
                    <input
                      type="number"
                      min={1}
                      max={60}
                      className="narrow"
                      value={f.rampDays}
                      onChange={(e) => set('rampDays', e.target.value)}
                    />
                    {problem('rampDays')}
                  </label>
                </div>
              )}
              <span className="small muted">{t('campaigns.rampHint')}</span>
            </div>
          </Section>

          {save.isError && (
            <p className="form-error" role="alert">
              {errorText(save.error, t)}
            </p>
          )}
          {Object.keys(shown).length > 0 && (
            <p className="form-error" role="alert">
              {t('campaigns.fixProblems')}
            </p>
          )}
          <div className="form-actions">
            <button
              type="submit"
              className="btn primary"
              disabled={save.isPending || (!!props.campaign && !dirty)}
            >
              {t('campaigns.saveDraft')}
            </button>
            {notice && (
              <span className="small muted" role="status">
                {notice}
              </span>
            )}
            {props.campaign && dirty && <span className="small muted">{t('campaigns.unsaved')}</span>}
          </div>
        </form>
        {props.campaign && (
          <aside className="campaign-side">
            <DraftActions
              campaign={props.campaign}
              can={props.can}
              dirty={dirty}
              onLeave={() => (leaving.current = true)}
            />
          </aside>
        )}
      </div>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="card campaign-section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

/**
 * The CSV audience: a file uploaded as a contacts import with `purpose=audience` (new numbers become contacts,
 * consent columns are recorded), then its progress; the campaign's audience is the import's valid rows.
 */
function CsvAudience(props: { importId: string; onImported: (id: string) => void; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const upload = useUploadAudienceCsv();
  const imp = useAudienceImport(props.importId);
  const locale = i18n.language;
  const d = imp.data;
  return (
    <label className="field">
      <span>{t('campaigns.csvFile')}</span>
      <input
        type="file"
        name="audience-csv"
        accept=".csv,text/csv"
        disabled={upload.isPending}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) upload.mutate(file, { onSuccess: (r) => props.onImported(r.id) });
        }}
      />
      <span className="small muted" aria-live="polite">
        {upload.isError
          ? errorText(upload.error, t)
          : d
            ? d.status === 'failed'
              ? t('campaigns.csvFailed', { message: d.message ?? '' })
              : t(d.status === 'done' ? 'campaigns.csvDone' : 'campaigns.csvReading', {
                  rows: formatCount(d.rows, locale),
                  created: formatCount(d.created, locale),
                  failed: formatCount(d.failed, locale),
                })
            : t('campaigns.csvHint')}
      </span>
      {props.children}
    </label>
  );
}
