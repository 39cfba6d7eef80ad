import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MessageContent } from '../../components/message/MessageContent.tsx';
import { api, qs } from '../../lib/api.ts';
import { fieldProblem } from '../../lib/errors.ts';
import { contactDisplayName } from '../../lib/format.ts';
import { reasonText } from '../../lib/reason.ts';
import { usePhoneNumbers, useTeams, userName, useUsers } from '../../lib/queries.ts';
import type { Contact, Page } from '../../lib/types.ts';
import { docErrorsOf, tabOfPath } from './draft.ts';
import type { AutomationDoc, DocError, DryRunResult, PlannedReply } from './types.ts';

/** `YYYY-MM-DDTHH:MM` in the browser's zone (what datetime-local shows). */
function localInputValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The message of a planned reply: its content, or the built-in handoff/fallback text of the draft. */
function replyMessage(
  r: PlannedReply,
  doc: AutomationDoc,
): { type: string; content: Record<string, unknown> } | null {
  if (r.content && typeof r.content.type === 'string') return { type: r.content.type, content: r.content };
  if (!r.text) return null;
  const key = r.text.key === 'handoff' ? r.text.language : `${r.text.language}Fallback`;
  const texts = (doc.handoffMessages ?? {}) as Record<string, string | undefined>;
  const body = texts[key] ?? `(${r.text.key})`;
  return { type: 'text', content: { type: 'text', text: { body } } };
}

/**
 * The dry-run tester: what automation would do with a message to a number at a time, for a made-up or a real
 * customer, with the saved document or (admins) the unsaved draft. Nothing is sent.
 */
export function TesterTab({ doc, dirty, canEdit }: { doc: AutomationDoc; dirty: boolean; canEdit: boolean }) {
  const { t } = useTranslation();
  const numbers = usePhoneNumbers().data ?? [];
  const teams = useTeams().data ?? [];
  const users = useUsers().data;
  const [text, setText] = useState('');
  const [numberId, setNumberId] = useState('');
  const [at, setAt] = useState(() => localInputValue(new Date()));
  const [contactQuery, setContactQuery] = useState('');
  const [contactId, setContactId] = useState('');
  const [firstMessage, setFirstMessage] = useState(false);
  const [useDraft, setUseDraft] = useState(true);
  const [result, setResult] = useState<DryRunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draftErrors, setDraftErrors] = useState<DocError[]>([]);
  const [busy, setBusy] = useState(false);
  const number = numberId || numbers[0]?.id || '';
  const contacts = useQuery({
    queryKey: ['contacts', 'search', contactQuery],
    queryFn: () => api<Page<Contact>>(`/contacts${qs({ q: contactQuery, limit: 10 })}`).then((r) => r.data),
    enabled: contactQuery.trim().length >= 2,
    staleTime: 30_000,
  });
  const testDraft = canEdit && dirty && useDraft;

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDraftErrors([]);
    try {
      const when = new Date(at);
      setResult(
        await api<DryRunResult>('/automation/dry-run', {
          body: {
            text,
            phoneNumberId: number,
            ...(Number.isNaN(when.getTime()) ? {} : { at: when.toISOString() }),
            ...(contactId ? { contactId } : {}),
            ...(firstMessage ? { firstMessage: true } : {}),
            ...(testDraft ? { config: doc } : {}),
          },
        }),
      );
    } catch (err) {
      setResult(null);
      setDraftErrors(docErrorsOf(err));
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const plan = result?.plan;
  const routing = plan?.routing;
  return (
    <div className="tester">
      <form className="card form-grid" onSubmit={(e) => void run(e)}>
        <label className="field">
          <span>{t('automation.tester.text')}</span>
          <textarea rows={2} required value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <div className="inline-fields">
          <label className="field">
            <span>{t('automation.tester.number')}</span>
            <select value={number} onChange={(e) => setNumberId(e.target.value)}>
              {numbers.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.label ? `${n.label} (${n.displayPhoneNumber})` : n.displayPhoneNumber}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('automation.tester.at')}</span>
            <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
          </label>
        </div>
        <div className="inline-fields">
          <label className="field grow">
            <span>{t('automation.tester.contact')}</span>
            <input
              type="search"
              value={contactQuery}
              placeholder={t('automation.tester.contactSearch')}
              onChange={(e) => {
                setContactQuery(e.target.value);
                if (!e.target.value) setContactId('');
              }}
            />
          </label>
          {(contacts.data ?? []).length > 0 && (
            <label className="field">
              <span>{t('automation.tester.contactPick')}</span>
              <select value={contactId} onChange={(e) => setContactId(e.target.value)}>
                <option value="">{t('automation.tester.anonymous')}</option>
                {(contacts.data ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {contactDisplayName(c)} {c.phone ?? ''}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <label className="check">
          <input type="checkbox" checked={firstMessage} onChange={(e) => setFirstMessage(e.target.checked)} />
          {t('automation.tester.firstMessage')}
        </label>
        {canEdit && (
          <label className="check">
            <input
              type="checkbox"
              checked={useDraft}
              disabled={!dirty}
              onChange={(e) => setUseDraft(e.target.checked)}
            />
            {t('automation.tester.useDraft')}
            {!dirty && <span className="small muted"> ({t('automation.tester.noChanges')})</span>}
          </label>
        )}
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={busy || !number || !text.trim()}>
            {t('automation.tester.run')}
          </button>
        </div>
      </form>
      {error && (
        <div className="form-error" role="alert">
          {error}
          {draftErrors.length > 0 && (
            <ul>
              {draftErrors.map((d, i) => (
                <li key={i}>
                  {t(`automation.tabs.${tabOfPath(d.path)}`)} — {fieldProblem(d.message, t)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {result && plan && (
        <div className="card tester-result" data-testid="tester-result" data-decision={plan.decision}>
          <div className="row-card">
            <span className={`status-pill decision-${plan.decision}`} data-testid="tester-decision">
              {t(`automation.decisions.${plan.decision}`, { defaultValue: plan.decision })}
            </span>
            <span className={`chip ${result.inBusinessHours ? '' : 'waiting'}`}>
              {result.inBusinessHours ? t('automation.tester.inHours') : t('automation.tester.outOfHours')}
            </span>
            <span className="small muted">
              {result.configVersion === null
                ? t('automation.tester.draft')
                : t('automation.tester.version', { version: result.configVersion })}
            </span>
          </div>
          {plan.reason && (
            <p className="small">{reasonText({ reason: plan.reasonDetail }, plan.reason, t)}</p>
          )}
          <dl className="props">
            {plan.match && (
              <>
                <dt>{t('automation.tester.rule')}</dt>
                <dd data-testid="tester-rule">
                  {(doc.keywordRules ?? []).find((r) => r.id === plan.match?.ruleId)?.name ||
                    plan.match.ruleId}
                </dd>
                <dt>{t('automation.tester.keyword')}</dt>
                <dd data-testid="tester-keyword">{plan.match.keyword}</dd>
                <dt>{t('automation.tester.mode')}</dt>
                <dd>
                  {t(`automation.modes.${plan.match.mode}`)} · {plan.match.channel}
                </dd>
                <dt>{t('automation.tester.score')}</dt>
                <dd>
                  {plan.match.score.toFixed(2)} (
                  {t('automation.tester.distance', { count: plan.match.distance })})
                </dd>
              </>
            )}
            {plan.pause && (
              <>
                <dt>{t('automation.tester.pause')}</dt>
                <dd>{t(`automation.paused.${plan.pause}`)}</dd>
              </>
            )}
            {routing && (
              <>
                <dt>{t('automation.tester.routing')}</dt>
                <dd>
                  {[
                    (doc.routingRules ?? []).find((r) => r.id === routing.ruleId)?.name || routing.ruleId,
                    routing.teamId && (teams.find((x) => x.id === routing.teamId)?.name ?? routing.teamId),
                    routing.assigneeId && (userName(users, routing.assigneeId) ?? routing.assigneeId),
                    routing.priority && t(`priority.${routing.priority}`),
                  ]
                    .filter(Boolean)
                    .join(' → ')}
                </dd>
              </>
            )}
            {plan.priority && (
              <>
                <dt>{t('priority.label')}</dt>
                <dd>
                  {t(`priority.${plan.priority}`)}
                  {plan.escalated ? ` (${t('automation.tester.escalated')})` : ''}
                </dd>
              </>
            )}
            {plan.needsPerson && (
              <>
                <dt>{t('automation.tester.person')}</dt>
                <dd>{t('automation.tester.needsPerson')}</dd>
              </>
            )}
            <dt>{t('automation.tester.sentiment')}</dt>
            <dd>{t(`automation.sentiment.${plan.sentiment}`)}</dd>
          </dl>
          <h3>{t('automation.tester.replies')}</h3>
          {plan.replies.length === 0 && <p className="small muted">{t('automation.tester.noReplies')}</p>}
          <div className="tester-chat">
            {plan.replies.map((r, i) => {
              const msg = replyMessage(r, doc);
              return (
                <div key={i} className="msg-row out">
                  <div className="bubble out" data-testid="tester-reply">
                    <div className="bubble-author small">
                      <span className="bot-badge">{t('conversation.botBadge')}</span>{' '}
                      {t(`automation.replyKinds.${r.kind}`, { defaultValue: r.kind })}
                      {r.layer === 'detailed' ? ` · ${t('automation.tester.detailed')}` : ''}
                    </div>
                    {msg ? (
                      <MessageContent type={msg.type} content={msg.content} />
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </div>
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
