import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, navigate, useLeaveGuard } from '../../app/router.tsx';
import { isAdmin, useSession } from '../../app/session.tsx';
import { fieldProblem } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { docErrorsOf, errorCountsByTab, isDirty, tabOfPath, TABS, type Tab } from './draft.ts';
import { HandoffTab } from './HandoffTab.tsx';
import { HoursTab } from './HoursTab.tsx';
import { MenusTab } from './MenusTab.tsx';
import { OverviewTab } from './OverviewTab.tsx';
import { automationKeys, saveAutomation, useAutomation } from './queries.ts';
import { RoutingTab } from './RoutingTab.tsx';
import { RulesTab } from './RulesTab.tsx';
import { TesterTab } from './TesterTab.tsx';
import type { AutomationDoc, AutomationState, DocError } from './types.ts';
import { VersionsTab } from './VersionsTab.tsx';
import { WelcomeAwayTab } from './WelcomeAwayTab.tsx';

/** What every tab that edits the document receives. */
export interface DocProps {
  doc: AutomationDoc;
  /** Applies a change to the local draft (nothing is sent until Save). */
  update: (fn: (d: AutomationDoc) => AutomationDoc) => void;
  errors: readonly DocError[];
  canEdit: boolean;
}

/**
 * Automation (`/settings/automation/:tab`): the whole document is edited locally and saved as one new
 * version with a note; the server's errors come back by field path and show next to their fields. Agents see
 * everything read-only and may use the tester. Loaded on demand (its own chunk).
 */
export default function AutomationPage({ tab: requested }: { tab: string }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const admin = isAdmin(session.role);
  const qc = useQueryClient();
  const state = useAutomation();
  const [saved, setSaved] = useState<AutomationDoc | null>(null);
  const [draft, setDraft] = useState<AutomationDoc | null>(null);
  const [errors, setErrors] = useState<DocError[]>([]);
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [focusRule, setFocusRule] = useState<string | null>(null);
  const tab: Tab = (TABS as readonly string[]).includes(requested) ? (requested as Tab) : 'overview';

  // Adopt the server's document once (and after a save or rollback, via `adopt`).
  useEffect(() => {
    if (state.data && saved === null) {
      setSaved(state.data.config);
      setDraft(structuredClone(state.data.config));
    }
  }, [state.data, saved]);

  const dirty = saved !== null && draft !== null && isDirty(saved, draft);
  // Unsaved edits: every way out asks first (tabs of this page are not a way out).
  useLeaveGuard(dirty, t('automation.leaveUnsaved'), staysOnAutomation);

  const adopt = (s: AutomationState) => {
    qc.setQueryData(automationKeys.state, s);
    void qc.invalidateQueries({ queryKey: automationKeys.versions });
    setSaved(s.config);
    setDraft(structuredClone(s.config));
    setErrors([]);
  };

  const save = async () => {
    if (!draft) return;
    setSaving(true);
    setMessage(null);
    try {
      adopt(await saveAutomation(draft, note));
      setNote('');
      setMessage({ ok: true, text: t('automation.saved') });
    } catch (e) {
      const list = docErrorsOf(e);
      setErrors(list);
      setMessage({
        ok: false,
        text: list.length
          ? t('automation.saveRefused', { count: list.length })
          : e instanceof Error
            ? e.message
            : String(e),
      });
    } finally {
      setSaving(false);
    }
  };

  if (state.isLoading || !draft || !state.data)
    return <div className="list-status">{state.isError ? t('app.error') : t('app.loading')}</div>;

  const update: DocProps['update'] = (fn) => {
    setDraft((d) => (d ? fn(d) : d));
    setMessage(null);
  };
  const props: DocProps = { doc: draft, update, errors, canEdit: admin };
  const counts = errorCountsByTab(errors);
  const goTab = (to: Tab) => navigate(`/settings/automation/${to}`);

  let body: ReactNode;
  switch (tab) {
    case 'overview':
      body = (
        <OverviewTab
          {...props}
          state={state.data}
          onCreateRule={(id) => {
            setFocusRule(id);
            goTab('rules');
          }}
        />
      );
      break;
    case 'hours':
      body = <HoursTab {...props} />;
      break;
    case 'welcome':
      body = <WelcomeAwayTab {...props} />;
      break;
    case 'rules':
      body = <RulesTab {...props} focus={focusRule} onFocused={() => setFocusRule(null)} />;
      break;
    case 'menus':
      body = <MenusTab {...props} />;
      break;
    case 'routing':
      body = <RoutingTab {...props} />;
      break;
    case 'handoff':
      body = <HandoffTab {...props} />;
      break;
    case 'versions':
      body = <VersionsTab canEdit={admin} dirty={dirty} onRolledBack={adopt} />;
      break;
    case 'tester':
      body = <TesterTab doc={draft} dirty={dirty} canEdit={admin} />;
      break;
  }

  return (
    <div className="automation">
      <header className="automation-head">
        <div>
          <h1>{t('automation.title')}</h1>
          <div className="small muted">
            {state.data.version > 0
              ? t('automation.versionLine', {
                  version: state.data.version,
                  time: state.data.updatedAt ? formatDateTime(state.data.updatedAt, i18n.language) : '',
                })
              : t('automation.neverSaved')}
            {!admin && <> · {t('automation.readOnly')}</>}
          </div>
        </div>
        <span className="spacer" />
        {admin && (
          <div className="save-bar" data-dirty={dirty}>
            {dirty && (
              <span className="chip unsaved" role="status">
                {t('automation.unsaved')}
              </span>
            )}
            <input
              aria-label={t('automation.note')}
              placeholder={t('automation.note')}
              value={note}
              maxLength={500}
              onChange={(e) => setNote(e.target.value)}
            />
            <button
              type="button"
              className="btn subtle"
              disabled={!dirty || saving}
              onClick={() => {
                if (saved) setDraft(structuredClone(saved));
                setNote('');
                setErrors([]);
                setMessage(null);
              }}
            >
              {t('automation.discard')}
            </button>
            <button
              type="button"
              className="btn primary"
              disabled={!dirty || saving}
              onClick={() => void save()}
            >
              {saving ? t('automation.saving') : t('app.save')}
            </button>
          </div>
        )}
      </header>
      {message && (
        <p className={message.ok ? 'form-ok' : 'form-error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {errors.length > 0 && (
        <ul className="error-summary" aria-label={t('automation.errorsTitle')}>
          {errors.map((e, i) => (
            <li key={i}>
              <button type="button" className="link-button" onClick={() => goTab(tabOfPath(e.path))}>
                {t(`automation.tabs.${tabOfPath(e.path)}`)}
              </button>{' '}
              <span className="small muted" title={e.path}>
                {itemNumber(e.path)}
              </span>{' '}
              — {fieldProblem(e.message, t)}
            </li>
          ))}
        </ul>
      )}
      <nav className="automation-tabs" aria-label={t('automation.title')}>
        {TABS.map((x) => (
          <Link
            key={x}
            href={`/settings/automation/${x}`}
            className={`tab ${tab === x ? 'active' : ''}`}
            aria-current={tab === x ? 'page' : undefined}
          >
            {t(`automation.tabs.${x}`)}
            {counts[x] ? <span className="badge error-badge">{counts[x]}</span> : null}
          </Link>
        ))}
      </nav>
      <section className="automation-body" aria-label={t(`automation.tabs.${tab}`)}>
        {body}
      </section>
    </div>
  );
}

const staysOnAutomation = (to: string) => to.startsWith('/settings/automation');

/** "#3" for an error in the third rule, menu or option (the tab names the kind), else nothing. */
function itemNumber(path: string): string {
  const n = /^\w+\.(\d+)/.exec(path)?.[1];
  return n === undefined ? '' : `#${Number(n) + 1}`;
}
