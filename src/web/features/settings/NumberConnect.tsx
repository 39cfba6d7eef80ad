import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { usePhoneNumbers } from '../../lib/queries.ts';
import type { PhoneNumber } from '../../lib/types.ts';
import { CopyField } from './CopyField.tsx';
import { NumberHealth } from './NumberHealth.tsx';
import {
  useMessageStatus,
  useRefreshHealth,
  useRegisterNumber,
  useSendTestMessage,
  useSubscribeWebhooks,
  useWhatsAppSetup,
} from './numbers-queries.ts';

const errorText = (e: unknown) => (e instanceof Error ? e.message : e ? String(e) : '');

/**
 * Connecting a real WhatsApp number, step by step: the webhook settings to paste into Meta, the number and its
 * token (checked with the Cloud API), subscribing the app to the WABA's webhooks, a test message, the health.
 * Opened for an existing number, it starts at the subscription.
 */
export function NumberConnect({ initial, onClose }: { initial: PhoneNumber | null; onClose: () => void }) {
  const { t } = useTranslation();
  const setup = useWhatsAppSetup();
  const numbers = usePhoneNumbers();
  const register = useRegisterNumber();
  const subscribe = useSubscribeWebhooks();
  const sendTest = useSendTestMessage();
  const refresh = useRefreshHealth();
  const [numberId, setNumberId] = useState<string | null>(initial?.id ?? null);
  const [draft, setDraft] = useState({
    phoneNumberId: '',
    displayPhoneNumber: '',
    wabaId: '',
    accessToken: '',
  });
  const [to, setTo] = useState('');
  const testStatus = useMessageStatus(sendTest.data?.messageId ?? null);
  const number = numbers.data?.find((n) => n.id === numberId) ?? register.data ?? null;

  const save = (e: FormEvent) => {
    e.preventDefault();
    register.mutate(
      { ...draft, label: null },
      {
        onSuccess: (n) => {
          setNumberId(n.id);
          refresh.mutate(n.id);
        },
      },
    );
  };
  const field = (k: keyof typeof draft, label: string, extra: Record<string, unknown> = {}) => (
    <label className="field">
      <span>{label}</span>
      <input
        value={draft[k]}
        onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
        required
        disabled={numberId !== null}
        {...extra}
      />
    </label>
  );

  return (
    <section className="card connect-flow" aria-labelledby="connect-title">
      <div className="connect-head">
        <h3 id="connect-title">{t('settings.connect.title')}</h3>
        <button type="button" className="btn subtle small" onClick={onClose}>
          {t('settings.connect.close')}
        </button>
      </div>
      <ol className="connect-steps">
        <li>
          <h4>{t('settings.connect.webhookStep')}</h4>
          <p className="small">{t('settings.connect.webhookHelp')}</p>
          <p className="small">
            {t('settings.connect.webhookFields')} <code>messages</code>{' '}
            <code>phone_number_quality_update</code> <code>account_update</code>
          </p>
          {setup.data && (
            <>
              <CopyField label={t('settings.connect.webhookUrl')} value={setup.data.webhookUrl} />
              {setup.data.verifyToken ? (
                <CopyField label={t('settings.connect.verifyToken')} value={setup.data.verifyToken} />
              ) : (
                <p className="form-error">{t('settings.connect.noToken')}</p>
              )}
              {setup.data.simulator && <p className="small hint">{t('settings.connect.simulator')}</p>}
              {!setup.data.simulator && !setup.data.webhookUrlPublic && (
                <p className="form-error">{t('settings.connect.notPublic')}</p>
              )}
            </>
          )}
        </li>
        <li>
          <h4>{t('settings.connect.numberStep')}</h4>
          {initial ? (
            <p className="small" data-content>
              {initial.displayPhoneNumber}
            </p>
          ) : (
            <form className="form-grid" onSubmit={save}>
              <p className="small">{t('settings.connect.numberHelp')}</p>
              {field('phoneNumberId', t('settings.numbers.phoneNumberId'), { pattern: '\\d{1,32}' })}
              {field('displayPhoneNumber', t('settings.numbers.display'))}
              {field('wabaId', t('settings.numbers.waba'), { pattern: '\\d{1,32}' })}
              {field('accessToken', t('settings.numbers.token'), { type: 'password', autoComplete: 'off' })}
              <div className="form-actions">
                <button
                  type="submit"
                  className="btn primary"
                  disabled={numberId !== null || register.isPending}
                >
                  {t('settings.connect.register')}
                </button>
              </div>
              {register.error && (
                <p className="form-error" role="alert">
                  {errorText(register.error)}
                </p>
              )}
              {number && (
                <p className="small ok" role="status">
                  {t('settings.connect.registered', { number: number.displayPhoneNumber })}
                </p>
              )}
            </form>
          )}
        </li>
        <li>
          <h4>{t('settings.connect.subscribeStep')}</h4>
          <p className="small">{t('settings.connect.subscribeHelp')}</p>
          <button
            type="button"
            className="btn"
            disabled={!number || subscribe.isPending}
            onClick={() => number && subscribe.mutate(number.id)}
          >
            {t('settings.connect.subscribe')}
          </button>
          {subscribe.data?.subscribed || (number?.webhooksSubscribedAt && !subscribe.error) ? (
            <p className="small ok" role="status">
              {t('settings.connect.subscribed')}
            </p>
          ) : null}
          {subscribe.error && (
            <p className="form-error" role="alert">
              {errorText(subscribe.error)}
            </p>
          )}
        </li>
        <li>
          <h4>{t('settings.connect.testStep')}</h4>
          <form
            className="form-grid"
            onSubmit={(e) => {
              e.preventDefault();
              if (number) sendTest.mutate({ id: number.id, to });
            }}
          >
            <p className="small">{t('settings.connect.testHelp')}</p>
            <label className="field">
              <span>{t('settings.connect.testTo')}</span>
              <input
                type="tel"
                required
                value={to}
                placeholder="+81 90-1234-5678"
                onChange={(e) => setTo(e.target.value)}
              />
            </label>
            <div className="form-actions">
              <button type="submit" className="btn" disabled={!number || sendTest.isPending}>
                {t('settings.connect.send')}
              </button>
            </div>
            {sendTest.data && (
              <p className="small" role="status">
                {t('settings.connect.testStatus', {
                  status: t(`settings.connect.statuses.${testStatus.data ?? sendTest.data.status}`, {
                    defaultValue: testStatus.data ?? sendTest.data.status,
                  }),
                })}
              </p>
            )}
            {sendTest.error && (
              <p className="form-error" role="alert">
                {errorText(sendTest.error)}
              </p>
            )}
          </form>
        </li>
        <li>
          <h4>{t('settings.connect.healthStep')}</h4>
          {number && <NumberHealth number={number} />}
          <button
            type="button"
            className="btn subtle small"
            disabled={!number || refresh.isPending}
            onClick={() => number && refresh.mutate(number.id)}
          >
            {t('settings.connect.refresh')}
          </button>
          {refresh.error && (
            <p className="form-error" role="alert">
              {errorText(refresh.error)}
            </p>
          )}
        </li>
      </ol>
    </section>
  );
}
